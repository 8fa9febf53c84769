//! hello-rs: a tiny HTTP server on the standard library; GET /double/N answers 2N.
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

fn answer(path: &str) -> (u16, String) {
    if path == "/" {
        return (200, "hello from Rust\n".to_string());
    }
    if let Some(n) = path.strip_prefix("/double/").and_then(|n| n.parse::<i64>().ok()) {
        return (200, format!("{}\n", n * 2));
    }
    (404, "not found\n".to_string())
}

fn main() {
    let listener = TcpListener::bind("0.0.0.0:8082").expect("bind 8082");
    for stream in listener.incoming().flatten() {
        let mut reader = BufReader::new(&stream);
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            continue;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let (status, body) = answer(&path);
        let mut out = &stream;
        let _ = write!(
            out,
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    }
}
