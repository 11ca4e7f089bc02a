//! Finds where an element of a JSON text is, by its [`Path`]: serde gives positions for
//! syntax and type errors only, but a name that does not resolve is found after parsing.
//! The text has already parsed, so this scanner may be simple; it never recurses (a
//! fuzzer's deeply nested input must not overflow the stack) and never panics: on any
//! surprise it stops at the deepest element it reached.

use super::build::{Path, Seg};

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end of the string starting at `i` (on its opening quote), past the closing quote.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The end of the value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> usize {
    let mut i = skip_ws(b, i);
    let mut depth = 0usize;
    loop {
        if i >= b.len() {
            return b.len();
        }
        match b[i] {
            b'"' => i = skip_string(b, i),
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                if depth == 0 {
                    return i;
                }
                depth -= 1;
                i += 1;
            }
            b',' if depth == 0 => return i,
            _ => i += 1,
        }
        if depth == 0 && (i >= b.len() || matches!(b[i], b',' | b'}' | b']')) {
            return i;
        }
    }
}

/// The byte offset of the element at `path` (or of the deepest ancestor found).
pub fn offset(text: &str, path: &Path) -> usize {
    let b = text.as_bytes();
    let mut at = skip_ws(b, 0);
    for seg in &path.0 {
        match *seg {
            Seg::Key(k) => {
                if b.get(at) != Some(&b'{') {
                    return at;
                }
                let mut i = skip_ws(b, at + 1);
                let mut found = None;
                while i < b.len() && b[i] == b'"' {
                    let end = skip_string(b, i);
                    let key = &b[i + 1..end.saturating_sub(1).max(i + 1)];
                    let colon = skip_ws(b, end);
                    let v = skip_ws(b, colon + 1);
                    if key == k.as_bytes() {
                        found = Some(v);
                        break;
                    }
                    i = skip_ws(b, skip_value(b, v));
                    if b.get(i) == Some(&b',') {
                        i = skip_ws(b, i + 1);
                    }
                }
                match found {
                    Some(v) => at = v,
                    None => return at,
                }
            }
            Seg::Index(n) => {
                if b.get(at) != Some(&b'[') {
                    return at;
                }
                let mut i = skip_ws(b, at + 1);
                for _ in 0..n {
                    i = skip_ws(b, skip_value(b, i));
                    if b.get(i) != Some(&b',') {
                        return at;
                    }
                    i = skip_ws(b, i + 1);
                }
                at = i;
            }
        }
    }
    at.min(b.len())
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut off = offset.min(text.len());
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_elements() {
        let text = "{\n \"a\": {\"x\": [1, {\"y\": \"q\\\"\"}]},\n \"courses\": [ {}, {\"teachers\": [\"A\", \"B\"]} ]\n}";
        let p = Path(vec![
            Seg::Key("courses"),
            Seg::Index(1),
            Seg::Key("teachers"),
            Seg::Index(1),
        ]);
        let o = offset(text, &p);
        assert_eq!(&text[o..o + 3], "\"B\"");
        assert_eq!(line_col(text, o), (3, 38));
        // A missing key stops at the deepest element found.
        let p = Path(vec![Seg::Key("courses"), Seg::Index(0), Seg::Key("name")]);
        assert_eq!(&text[offset(text, &p)..][..2], "{}");
        let p = Path(vec![Seg::Key("courses"), Seg::Index(5)]);
        assert_eq!(&text[offset(text, &p)..][..1], "[");
    }
}
