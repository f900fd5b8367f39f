//! String building without `[..].concat()` / `join`: the standard ones check for overflow and
//! carry formatted panic messages, which link integer formatting into every wasm app (about
//! 700 B gzip; `cargo xtask size`).

/// `parts.concat()`.
pub(crate) fn concat(parts: &[&str]) -> String {
    join(parts.iter().copied(), "")
}

/// `items.join(separator)` for any iterator, without a `Vec` of copies.
pub(crate) fn join<'a>(items: impl Iterator<Item = &'a str>, separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concat_and_join_match_the_standard_ones() {
        assert_eq!(concat(&["a", "", "bc", "é"]), ["a", "", "bc", "é"].concat());
        assert_eq!(concat(&[]), "");
        assert_eq!(join(["x", "y", "z"].into_iter(), ", "), "x, y, z");
        assert_eq!(join(std::iter::empty(), ","), "");
    }
}
