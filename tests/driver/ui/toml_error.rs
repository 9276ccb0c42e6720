// A TOML with a misspelt interface.
hls4ml::accelerator!("ui/toml_error.toml");

fn main() {}
