//! A small incremental parser for `text/event-stream` (WHATWG HTML, "server-sent events").
//!
//! Bytes go in as they arrive (any chunking); complete events come out. Lines end in LF, CRLF
//! or CR (also when a CRLF is split across chunks); `data:` lines join with LF; `:` lines are
//! comments (keep-alives); an event is dispatched at a blank line; an unfinished event at the
//! end of the stream is dropped, as the spec says.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// `event:`; "message" when absent.
    pub event: String,
    pub data: String,
    /// The last event ID seen so far (ids carry over to later events, as in the spec).
    pub id: Option<String>,
    /// `retry:` in milliseconds, if this event carried one.
    pub retry: Option<u64>,
}

#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended in CR: a leading LF of the next chunk belongs to it.
    after_cr: bool,
    started: bool,
    event: String,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    retry: Option<u64>,
    /// Comment lines seen (keep-alives), for diagnostics.
    pub comments: u64,
}

/// Longest line accepted; a service that never sends a line end cannot exhaust memory.
const MAX_LINE: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineTooLong;

impl SseParser {
    pub fn new() -> Self {
        SseParser::default()
    }

    /// Feed the next bytes; returns the events completed by them.
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<Vec<SseEvent>, LineTooLong> {
        let mut out = Vec::new();
        if self.after_cr && !chunk.is_empty() {
            self.after_cr = false;
            if let Some(rest) = chunk.strip_prefix(b"\n") {
                chunk = rest;
            }
        }
        while let Some(pos) = chunk.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.line.extend_from_slice(&chunk[..pos]);
            let is_cr = chunk[pos] == b'\r';
            chunk = &chunk[pos + 1..];
            if is_cr {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            let line = std::mem::take(&mut self.line);
            if let Some(ev) = self.line_done(&line) {
                out.push(ev);
            }
        }
        self.line.extend_from_slice(chunk);
        if self.line.len() > MAX_LINE {
            self.line.clear();
            return Err(LineTooLong);
        }
        Ok(out)
    }

    fn line_done(&mut self, line: &[u8]) -> Option<SseEvent> {
        let mut line = line;
        if !self.started {
            self.started = true;
            if let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF") {
                line = rest;
            }
        }
        if line.is_empty() {
            return self.dispatch();
        }
        if line[0] == b':' {
            self.comments += 1;
            return None;
        }
        let (field, value) = match line.iter().position(|b| *b == b':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        let value = String::from_utf8_lossy(value);
        match field {
            b"data" => {
                self.data.push_str(&value);
                self.data.push('\n');
                self.has_data = true;
            }
            b"event" => self.event = value.into_owned(),
            b"id" if !value.contains('\0') => self.last_id = Some(value.into_owned()),
            b"retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok();
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = std::mem::take(&mut self.event);
        let retry = self.retry.take();
        if !self.has_data {
            self.data.clear();
            return None;
        }
        self.has_data = false;
        let mut data = std::mem::take(&mut self.data);
        if data.ends_with('\n') {
            data.pop();
        }
        Some(SseEvent {
            event: if event.is_empty() {
                "message".into()
            } else {
                event
            },
            data,
            id: self.last_id.clone(),
            retry,
        })
    }

    /// The last event ID seen (`Last-Event-ID` for a reconnect).
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_at_once(input: &str) -> Vec<SseEvent> {
        SseParser::new().feed(input.as_bytes()).unwrap()
    }

    /// Every split of the input into two chunks gives the same events; so does byte by byte.
    fn check_chunking(input: &str) -> Vec<SseEvent> {
        let whole = all_at_once(input);
        let bytes = input.as_bytes();
        for cut in 0..=bytes.len() {
            let mut p = SseParser::new();
            let mut got = p.feed(&bytes[..cut]).unwrap();
            got.extend(p.feed(&bytes[cut..]).unwrap());
            assert_eq!(got, whole, "split at {cut}");
        }
        let mut p = SseParser::new();
        let mut got = Vec::new();
        for b in bytes {
            got.extend(p.feed(std::slice::from_ref(b)).unwrap());
        }
        assert_eq!(got, whole, "byte by byte");
        whole
    }

    #[test]
    fn one_gebeurtenis() {
        let ev = check_chunking("id: 7\nevent: gebeurtenis\ndata: {\"volgnummer\":7}\n\n");
        assert_eq!(
            ev,
            vec![SseEvent {
                event: "gebeurtenis".into(),
                data: "{\"volgnummer\":7}".into(),
                id: Some("7".into()),
                retry: None,
            }]
        );
    }

    #[test]
    fn crlf_and_cr_line_ends_and_split_crlf() {
        let ev = check_chunking("id: 1\r\nevent: a\r\ndata: x\r\n\r\nid: 2\revent: b\rdata: y\r\r");
        assert_eq!(ev.len(), 2);
        assert_eq!((ev[0].id.as_deref(), ev[0].data.as_str()), (Some("1"), "x"));
        assert_eq!((ev[1].event.as_str(), ev[1].data.as_str()), ("b", "y"));
        // a CRLF split across chunks is one line end, not a line end and a blank line
        let mut p = SseParser::new();
        assert!(p.feed(b"data: a\r").unwrap().is_empty());
        assert!(p.feed(b"\ndata: b\r").unwrap().is_empty());
        let ev = p.feed(b"\n\r\n").unwrap();
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].data, "a\nb");
    }

    #[test]
    fn multi_line_data_joins_with_lf() {
        let ev = check_chunking("data: een\ndata:twee\ndata\ndata:  drie\n\n");
        assert_eq!(ev[0].data, "een\ntwee\n\n drie");
        assert_eq!(ev[0].event, "message");
    }

    #[test]
    fn comments_are_keep_alives_and_dispatch_nothing() {
        let mut p = SseParser::new();
        let ev = p.feed(b": keep-alive\n\n:\n\nevent: x\n\n").unwrap();
        assert!(ev.is_empty(), "no data, no event: {ev:?}");
        assert_eq!(p.comments, 2);
        // the event type of an event without data does not leak into the next one
        let ev = p.feed(b"data: z\n\n").unwrap();
        assert_eq!(ev[0].event, "message");
    }

    #[test]
    fn ids_carry_over_and_retry_is_read() {
        let ev = check_chunking("id: 5\ndata: a\n\ndata: b\nretry: 3000\n\nid\ndata: c\n\n");
        assert_eq!(ev[0].id.as_deref(), Some("5"));
        assert_eq!(ev[1].id.as_deref(), Some("5"));
        assert_eq!(ev[1].retry, Some(3000));
        assert_eq!(ev[2].id.as_deref(), Some(""));
    }

    #[test]
    fn unfinished_event_is_not_dispatched_and_bom_is_skipped() {
        let ev = check_chunking("\u{feff}data: a\n\ndata: half");
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].data, "a");
    }

    #[test]
    fn unknown_fields_are_ignored_and_utf8_survives_splits() {
        let ev = check_chunking("foo: bar\ndata: café ✓\n\n");
        assert_eq!(ev[0].data, "café ✓");
    }

    #[test]
    fn an_endless_line_is_refused() {
        let mut p = SseParser::new();
        let big = vec![b'a'; MAX_LINE + 1];
        assert_eq!(p.feed(&big), Err(LineTooLong));
    }
}
