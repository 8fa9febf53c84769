//! Parser benchmarks (filled in with the syntax layer).
fn main() {}
