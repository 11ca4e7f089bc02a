//! What the instance and solution readers share: a streaming walk over the elements of an
//! XML text with their byte positions, attribute access, and numbers and bit strings with
//! errors that name the file, the line and the element.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::error::{XmlError, XmlErrorKind};

/// One step of the walk: an element opens (`empty` when it is `<a/>`, which closes at
/// once and gets no `Close`), or the innermost open element closes.
pub(crate) enum Step<'a> {
    Open { tag: BytesStart<'a>, empty: bool },
    Close,
    Eof,
}

/// A streaming reader over a whole file's text, remembering where each element starts so
/// that errors can name its line.
pub(crate) struct Walker<'a> {
    text: &'a str,
    file: &'a str,
    reader: Reader<&'a [u8]>,
    /// Byte offset where the element last returned by [`Walker::next`] starts.
    pub pos: u64,
    /// Names of the open elements, innermost last (for "ends inside" errors).
    open: Vec<String>,
}

impl<'a> Walker<'a> {
    /// Checks that `bytes` is UTF-8 (skipping a byte-order mark) and starts the walk.
    pub fn new(bytes: &'a [u8], file: &'a str) -> Result<Walker<'a>, XmlError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let offset = e.valid_up_to();
                return Err(XmlError {
                    file: file.to_string(),
                    line: line_of(&bytes[..offset]),
                    element: String::new(),
                    kind: XmlErrorKind::InvalidUtf8 { offset },
                });
            }
        };
        let reader = Reader::from_str(text);
        Ok(Walker {
            text,
            file,
            reader,
            pos: 0,
            open: Vec::new(),
        })
    }

    /// The next element event, skipping text, comments, the declaration and DOCTYPE.
    pub fn next(&mut self) -> Result<Step<'a>, XmlError> {
        loop {
            let before = self.reader.buffer_position();
            let ev = self.reader.read_event().map_err(|e| {
                let at = self.reader.error_position();
                self.error_at(
                    at,
                    "",
                    XmlErrorKind::Syntax {
                        message: e.to_string(),
                    },
                )
            })?;
            match ev {
                Event::Start(tag) => {
                    self.pos = before;
                    self.open.push(tag.name().as_ref().to_string());
                    return Ok(Step::Open { tag, empty: false });
                }
                Event::Empty(tag) => {
                    self.pos = before;
                    return Ok(Step::Open { tag, empty: true });
                }
                Event::End(_) => {
                    self.pos = before;
                    self.open.pop();
                    return Ok(Step::Close);
                }
                Event::Eof => {
                    self.pos = self.text.len() as u64;
                    if let Some(open) = self.open.last() {
                        let open = open.clone();
                        return Err(self.error("", XmlErrorKind::Truncated { open }));
                    }
                    return Ok(Step::Eof);
                }
                _ => {}
            }
        }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, pos: u64) -> u32 {
        line_of(&self.text.as_bytes()[..(pos as usize).min(self.text.len())])
    }

    /// An error at byte offset `pos`, about `element` (in words).
    pub fn error_at(&self, pos: u64, element: &str, kind: XmlErrorKind) -> XmlError {
        XmlError {
            file: self.file.to_string(),
            line: self.line(pos),
            element: element.to_string(),
            kind,
        }
    }

    /// An error at the element last returned.
    pub fn error(&self, element: &str, kind: XmlErrorKind) -> XmlError {
        self.error_at(self.pos, element, kind)
    }

    /// The attributes named in `names` of `tag`, in that order (unknown ones are ignored:
    /// the files carry informational attributes we do not use).
    pub fn attrs<'t, const N: usize>(
        &self,
        tag: &'t BytesStart<'a>,
        names: [&str; N],
        element: &dyn Fn() -> String,
    ) -> Result<[Option<Cow<'t, str>>; N], XmlError> {
        let mut out: [Option<Cow<'t, str>>; N] = std::array::from_fn(|_| None);
        for a in tag.attributes() {
            let a = a.map_err(|e| {
                self.error(
                    &element(),
                    XmlErrorKind::Syntax {
                        message: e.to_string(),
                    },
                )
            })?;
            let key = a.key.as_ref();
            if let Some(i) = names.iter().position(|n| *n == key) {
                let v = a.normalized_value(XmlVersion::Implicit1_0).map_err(|e| {
                    self.error(
                        &element(),
                        XmlErrorKind::Syntax {
                            message: e.to_string(),
                        },
                    )
                })?;
                out[i] = Some(v);
            }
        }
        Ok(out)
    }
}

/// The name of an element as text.
pub(crate) fn tag_name(tag: &BytesStart<'_>) -> String {
    tag.name().as_ref().to_string()
}

fn line_of(bytes: &[u8]) -> u32 {
    1 + bytes.iter().filter(|&&b| b == b'\n').count() as u32
}

/// A whole number ≥ 0 that fits in `u32`, or `None`.
pub(crate) fn parse_u32(s: &str) -> Option<u32> {
    let s = s.trim();
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A bit string of exactly `len` characters `0`/`1` (character i = bit i), or `None`.
pub(crate) fn parse_bits(s: &str, len: u32) -> Option<u64> {
    let s = s.trim();
    if s.len() != len as usize {
        return None;
    }
    let mut bits = 0u64;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'1' => bits |= 1 << i,
            b'0' => {}
            _ => return None,
        }
    }
    Some(bits)
}
