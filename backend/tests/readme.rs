//! The repository README quotes the session endpoint of `examples/session_endpoint.rs` (which
//! `cargo test` compiles): the quote must be the example's code, as it is.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::path::Path;

#[test]
fn the_readme_quotes_the_compiled_session_endpoint() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(readme) = std::fs::read_to_string(dir.join("../README.md")) else {
        // Outside the repository (the published package has no workspace README): nothing to hold.
        return;
    };
    let example = std::fs::read_to_string(dir.join("examples/session_endpoint.rs")).unwrap();
    let start = "// README: session endpoint start\n";
    let from = example.find(start).expect("the start marker") + start.len();
    let to = example.find("// README: session endpoint end").expect("the end marker");
    let quote = format!("```rust\n{}```", &example[from..to]);
    assert!(readme.contains(&quote), "README.md must quote, as is:\n{quote}");
}
