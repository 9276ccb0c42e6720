// A TOML naming a model file that does not exist.
hls4ml::accelerator!("ui/missing_model.toml");

fn main() {}
