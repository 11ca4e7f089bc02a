//! A whitespace tokenizer that remembers the line of every token. The official reader is
//! token based (tabs, blank lines, double spaces are all fine), so the parsers are too; the
//! line numbers are only for error messages.

use super::error::{ParseError, ParseErrorKind};

/// One whitespace-separated token and its 1-based line.
#[derive(Clone, Copy, Debug)]
pub struct Token<'a> {
    pub text: &'a str,
    pub line: u32,
}

/// Decodes `bytes` as UTF-8, naming the line of the first bad byte. A leading byte-order
/// mark (Windows editors write one) is dropped: it is not whitespace, so it would otherwise
/// glue itself invisibly to the first token ("expected 'Name:', found 'Name:'").
pub fn decode<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, ParseError> {
    let bom = if bytes.starts_with("\u{feff}".as_bytes()) {
        3
    } else {
        0
    };
    std::str::from_utf8(&bytes[bom..]).map_err(|e| {
        let offset = bom + e.valid_up_to();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        ParseError::new(file, line, ParseErrorKind::InvalidUtf8 { offset })
    })
}

/// All tokens of `text` with their lines.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for t in line.split_whitespace() {
            out.push(Token {
                text: t,
                line: i as u32 + 1,
            });
        }
    }
    out
}

/// Number of lines in `text` (at least 1), for errors at the end of the file.
pub fn last_line(text: &str) -> u32 {
    text.lines().count().max(1) as u32
}

/// Parses a non-negative integer token, bounded by `max`, with a clear error.
pub fn parse_uint(tok: Token<'_>, what: &str, max: u64, file: &str) -> Result<u64, ParseError> {
    let t = tok.text;
    let err = |kind| Err(ParseError::new(file, tok.line, kind));
    let digits = t.strip_prefix('+').unwrap_or(t);
    if let Some(rest) = t.strip_prefix('-')
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_digit())
    {
        return err(ParseErrorKind::Negative {
            what: what.to_string(),
            found: t.to_string(),
        });
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return err(ParseErrorKind::NotANumber {
            what: what.to_string(),
            found: t.to_string(),
        });
    }
    match digits.parse::<u64>() {
        Ok(v) if v <= max => Ok(v),
        _ => err(ParseErrorKind::TooLarge {
            what: what.to_string(),
            found: t.to_string(),
            max,
        }),
    }
}
