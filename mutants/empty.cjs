// mutant: empty
// control: loads nothing and changes nothing; `cargo xtask mutants` runs the corpus under it
//   first and compares it with plain node, to show that loading a preload changes no verdict
//   by itself
