//! Shared helpers for the JSON formats: one reader that handles a single document (object or
//! array) and JSON Lines alike, and small accessors over `serde_json::Value`.

use crate::ingest::{Loc, Record};
use crate::model::{Paper, PartialDate};
use serde_json::Value;
use std::io::BufRead;

/// Read JSON values from `input`, which may be one document (an object, or an array whose
/// elements are records) or JSON Lines. `unwrap` picks the records out of one value (e.g.
/// an OpenAlex results page), `convert` turns a record into a paper.
pub fn read_values(
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(Record),
    unwrap: &dyn Fn(Value) -> Vec<Value>,
    convert: &dyn Fn(&Value) -> Result<Paper, String>,
) -> Result<(), String> {
    let mut first = Vec::new();
    let mut line_no = 0u64;
    // Skip blank lines; the first line tells JSON Lines from a document.
    loop {
        first.clear();
        let n = input.read_until(b'\n', &mut first).map_err(|e| format!("read error: {e}"))?;
        if n == 0 {
            return Ok(());
        }
        line_no += 1;
        if !first.iter().all(u8::is_ascii_whitespace) {
            break;
        }
    }
    let strip_bom = |b: &[u8]| -> Vec<u8> { b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b).to_vec() };
    let first = strip_bom(&first);
    let first_is_record = serde_json::from_slice::<Value>(&first).map(|v| v.is_object()).unwrap_or(false);
    let mut record_no = 0u64;
    let mut handle = |loc: Loc, v: Value, emit: &mut dyn FnMut(Record)| {
        for item in unwrap(v) {
            record_no += 1;
            let loc = if let Loc::Line(_) = loc { loc } else { Loc::Record(record_no) };
            emit_value(loc, &item, convert, emit);
        }
    };
    if first_is_record {
        // JSON Lines: one bad line is one bad record.
        let v: Value = serde_json::from_slice(&first).map_err(|e| e.to_string())?;
        handle(Loc::Line(line_no), v, emit);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            if input.read_until(b'\n', &mut buf).map_err(|e| format!("read error: {e}"))? == 0 {
                return Ok(());
            }
            line_no += 1;
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Value>(&buf) {
                Ok(v) => handle(Loc::Line(line_no), v, emit),
                Err(e) => emit(Record::Bad { loc: Loc::Line(line_no), reason: json_reason(&e, &buf) }),
            }
        }
    }
    let mut all = first;
    input.read_to_end(&mut all).map_err(|e| format!("read error: {e}"))?;
    let v: Value = serde_json::from_slice(&all).map_err(|e| format!("invalid JSON at line {}, column {}: {e}", e.line() + line_no as usize - 1, e.column()))?;
    handle(Loc::Record(0), v, emit);
    Ok(())
}

fn emit_value(loc: Loc, v: &Value, convert: &dyn Fn(&Value) -> Result<Paper, String>, emit: &mut dyn FnMut(Record)) {
    if v.is_null() {
        emit(Record::Bad { loc, reason: "null entry (the service found no paper for this id)".into() });
        return;
    }
    if !v.is_object() {
        emit(Record::Bad { loc, reason: format!("expected a JSON object, found {}", kind(v)) });
        return;
    }
    match convert(v) {
        Ok(p) => emit(Record::Paper { loc, paper: Box::new(p), version: None }),
        Err(reason) => emit(Record::Bad { loc, reason }),
    }
}

/// A JSON error message that says whether the record was cut off or mistyped.
pub fn json_reason(e: &serde_json::Error, bytes: &[u8]) -> String {
    if std::str::from_utf8(bytes).is_err() {
        return "invalid UTF-8".into();
    }
    match e.classify() {
        serde_json::error::Category::Eof => format!("truncated JSON ({e})"),
        serde_json::error::Category::Data => format!("wrong field type: {e}"),
        _ => format!("invalid JSON: {e}"),
    }
}

pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A string field; `Err` when present with another type.
pub fn str_field<'a>(v: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(other) => Err(format!("field `{key}` should be a string, found {}", kind(other))),
    }
}

/// A string at a path of keys, ignoring type mismatches on the way (optional data).
pub fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    cur.as_str().filter(|s| !s.is_empty())
}

/// A date from a timestamp string field.
pub fn date_field(v: &Value, key: &str) -> Result<Option<PartialDate>, String> {
    Ok(str_field(v, key)?.and_then(PartialDate::parse_prefix))
}

/// The last path segment of an id URL (`https://openalex.org/W123` -> `W123`).
pub fn last_segment(s: &str) -> &str {
    s.trim_end_matches('/').rsplit('/').next().unwrap_or(s)
}
