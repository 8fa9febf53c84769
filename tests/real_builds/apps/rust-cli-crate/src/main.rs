//! show-args: prints how many arguments it got and each one, numbered with the itoa crate.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut buf = itoa::Buffer::new();
    println!("{} argument(s)", buf.format(args.len()));
    for (i, a) in args.iter().enumerate() {
        println!("{}: {a}", buf.format(i + 1));
    }
}
