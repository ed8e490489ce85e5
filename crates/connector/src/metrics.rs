//! Prometheus text metrics: requests by route and status, bytes in and out, upstream latency,
//! requests in flight. Small and lock-based: a handful of label sets.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

const BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// A latency histogram: cumulative counts per bucket, total count, sum of seconds.
#[derive(Debug, Default, Clone, Copy)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    total: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, latency: Duration) {
        let seconds = latency.as_secs_f64();
        for (count, bound) in self.counts.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *count += 1;
            }
        }
        self.total += 1;
        self.sum += seconds;
    }

    /// Writes the `_bucket`, `_sum` and `_count` lines of `name` with `labels` (`a="b",c="d"`).
    fn render(&self, out: &mut String, name: &str, labels: &str) {
        for (count, bound) in self.counts.iter().zip(BUCKETS) {
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {count}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", self.total);
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", self.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", self.total);
    }
}

/// The service's metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    /// By S3 operation and the store's status (`error` when no answer came).
    upstream: Mutex<BTreeMap<(&'static str, String), Histogram>>,
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
    in_flight: AtomicI64,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

impl Metrics {
    /// Counts one request whose response headers are ready, `latency` after it arrived.
    pub fn request(&self, method: &str, route: &str, status: u16, latency: Duration) {
        *lock(&self.requests).entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        lock(&self.latency).entry(route.to_owned()).or_default().observe(latency);
    }

    /// Records one attempt at an upstream request.
    pub fn upstream(&self, attempt: &s3::Attempt) {
        let status = attempt.status.map_or_else(|| "error".to_owned(), |status| status.to_string());
        lock(&self.upstream).entry((attempt.operation, status)).or_default().observe(attempt.elapsed);
    }

    /// Adds request body bytes, as they arrive.
    pub fn bytes_received(&self, count: u64) {
        self.bytes_in.fetch_add(count, Ordering::Relaxed);
    }

    /// Adds response body bytes, as they leave.
    pub fn bytes_sent(&self, count: u64) {
        self.bytes_out.fetch_add(count, Ordering::Relaxed);
    }

    /// A request started (+1) or ended (-1): its response sent, body included, or abandoned.
    pub fn in_flight(&self, delta: i64) {
        self.in_flight.fetch_add(delta, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP s3c_requests_total Requests handled, by method, route and status.\n# TYPE s3c_requests_total counter\n");
        for ((method, route, status), count) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "s3c_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        out.push_str("# HELP s3c_request_duration_seconds Time from a request's arrival to its response headers, upstream included, by route.\n# TYPE s3c_request_duration_seconds histogram\n");
        for (route, histogram) in lock(&self.latency).iter() {
            histogram.render(&mut out, "s3c_request_duration_seconds", &format!("route=\"{route}\""));
        }
        out.push_str("# HELP s3c_upstream_request_duration_seconds Time from sending a request to the store to its answer's headers, each attempt, by S3 operation and status (error: no answer).\n# TYPE s3c_upstream_request_duration_seconds histogram\n");
        for ((operation, status), histogram) in lock(&self.upstream).iter() {
            let labels = format!("operation=\"{operation}\",status=\"{status}\"");
            histogram.render(&mut out, "s3c_upstream_request_duration_seconds", &labels);
        }
        let _ = writeln!(
            out,
            "# HELP s3c_bytes_received_total Request body bytes received.\n# TYPE s3c_bytes_received_total counter\ns3c_bytes_received_total {}",
            self.bytes_in.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP s3c_bytes_sent_total Response body bytes sent.\n# TYPE s3c_bytes_sent_total counter\ns3c_bytes_sent_total {}",
            self.bytes_out.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP s3c_requests_in_flight Requests being handled, their response bodies included.\n# TYPE s3c_requests_in_flight gauge\ns3c_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        out
    }
}
