//! A bare TCP relay for `scripts/bench-service.sh`: it copies bytes both ways between a client
//! and the store, nothing else. Any proxy costs at least this much (two copies of every byte
//! through one more process), so the relay's ratio to direct access is the floor a service in
//! the same place can reach on the same machine.
//!
//! relay LISTEN_ADDRESS UPSTREAM_ADDRESS, e.g. relay 127.0.0.1:18081 127.0.0.1:9000
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [listen, upstream] = args.as_slice() else {
        eprintln!("usage: relay LISTEN_ADDRESS UPSTREAM_ADDRESS");
        std::process::exit(2);
    };
    let listener = TcpListener::bind(listen).await.unwrap();
    loop {
        let (mut client, _) = listener.accept().await.unwrap();
        let upstream = upstream.clone();
        tokio::spawn(async move {
            let Ok(mut store) = TcpStream::connect(&upstream).await else { return };
            let _ = client.set_nodelay(true);
            let _ = store.set_nodelay(true);
            // Reads of up to 1 MiB, as the service's.
            let _ = tokio::io::copy_bidirectional_with_sizes(&mut client, &mut store, 1 << 20, 1 << 20).await;
        });
    }
}
