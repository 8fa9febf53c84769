//! Entry point of the `dflint` binary.
fn main() {
    println!("dflint {}", env!("CARGO_PKG_VERSION"));
}
