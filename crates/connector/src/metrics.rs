//! Prometheus text metrics: requests by route and status, bytes in and out, upstream latency,
//! requests in flight. Small and lock-based: a handful of label sets.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

const BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// One route's latency histogram: counts per bucket, total count, sum of seconds.
type Histogram = ([u64; BUCKETS.len()], u64, f64);

/// The service's metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
    in_flight: AtomicI64,
}

impl Metrics {
    /// Counts one finished request.
    pub fn request(&self, method: &str, route: &str, status: u16, latency: Duration) {
        let mut requests = self.requests.lock().unwrap_or_else(|poison| poison.into_inner());
        *requests.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        drop(requests);
        let mut histograms = self.latency.lock().unwrap_or_else(|poison| poison.into_inner());
        let entry = histograms.entry(route.to_owned()).or_insert(([0; BUCKETS.len()], 0, 0.0));
        let seconds = latency.as_secs_f64();
        for (count, bound) in entry.0.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *count += 1;
            }
        }
        entry.1 += 1;
        entry.2 += seconds;
    }

    /// Adds body bytes received and sent.
    pub fn bytes(&self, received: u64, sent: u64) {
        self.bytes_in.fetch_add(received, Ordering::Relaxed);
        self.bytes_out.fetch_add(sent, Ordering::Relaxed);
    }

    /// A request started (+1) or ended (-1).
    pub fn in_flight(&self, delta: i64) {
        self.in_flight.fetch_add(delta, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP s3c_requests_total Requests handled, by method, route and status.\n# TYPE s3c_requests_total counter\n");
        for ((method, route, status), count) in self.requests.lock().unwrap_or_else(|p| p.into_inner()).iter()
        {
            let _ = writeln!(
                out,
                "s3c_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        out.push_str("# HELP s3c_request_duration_seconds Time to answer, upstream included, by route.\n# TYPE s3c_request_duration_seconds histogram\n");
        for (route, (counts, total, sum)) in self.latency.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            for (count, bound) in counts.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "s3c_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ =
                writeln!(out, "s3c_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {total}");
            let _ = writeln!(out, "s3c_request_duration_seconds_sum{{route=\"{route}\"}} {sum}");
            let _ = writeln!(out, "s3c_request_duration_seconds_count{{route=\"{route}\"}} {total}");
        }
        let _ = writeln!(
            out,
            "# HELP s3c_bytes_received_total Request body bytes.\n# TYPE s3c_bytes_received_total counter\ns3c_bytes_received_total {}",
            self.bytes_in.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP s3c_bytes_sent_total Response body bytes.\n# TYPE s3c_bytes_sent_total counter\ns3c_bytes_sent_total {}",
            self.bytes_out.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP s3c_requests_in_flight Requests being handled.\n# TYPE s3c_requests_in_flight gauge\ns3c_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        out
    }
}
