//! Byte offsets to lines and columns.

use crate::finding::{Position, Span};

/// The start offset of every line of one source text.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// The position of byte `offset` (clamped to the text, and moved back to
    /// a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.starts[line]..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
            offset,
        }
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        Span {
            start: self.position(start),
            end: self.position(end),
        }
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.starts.get(line).map_or(self.text.len(), |&e| e - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_from_one() {
        let idx = LineIndex::new("ab\nçd\n");
        assert_eq!((idx.position(0).line, idx.position(0).column), (1, 1));
        assert_eq!((idx.position(3).line, idx.position(3).column), (2, 1));
        // `d` is byte 5 (ç takes two bytes) but column 2.
        assert_eq!((idx.position(5).line, idx.position(5).column), (2, 2));
        // Inside ç: moved back to its start.
        assert_eq!(idx.position(4).offset, 3);
        assert_eq!(idx.position(99).offset, 7);
        assert_eq!(idx.line_text(2), "çd");
        assert_eq!(idx.line_text(3), "");
    }
}
