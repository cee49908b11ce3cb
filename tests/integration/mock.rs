//! A scripted HTTP server on 127.0.0.1 for the tests of `fetch` and `update`, and the
//! recorded responses they serve (arXiv Atom pages, Hugging Face daily-papers items).

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One scripted answer.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Announce the full length but send only this many bytes, then close.
    pub truncate_at: Option<usize>,
}

pub fn ok(body: impl Into<Vec<u8>>) -> Reply {
    Reply { status: 200, headers: Vec::new(), body: body.into(), truncate_at: None }
}

pub fn status(code: u16) -> Reply {
    Reply { status: code, headers: Vec::new(), body: format!("status {code}").into_bytes(), truncate_at: None }
}

/// What the server saw of one request.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: HashMap<String, String>,
    pub body: String,
}

/// Answers requests by target (path and query; a target ending in `*` answers every target
/// it begins): each target has a queue of replies, and its last reply repeats. Unknown
/// targets get a 404.
pub struct Mock {
    pub base: String,
    script: Arc<Mutex<HashMap<String, VecDeque<Reply>>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Mock {
    pub fn start() -> Mock {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let script: Arc<Mutex<HashMap<String, VecDeque<Reply>>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (s, v) = (script.clone(), seen.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() || line.is_empty() {
                    continue;
                }
                let mut parts = line.split_whitespace();
                let (method, target) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
                let mut headers = HashMap::new();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, val)) = h.split_once(':') {
                        headers.insert(k.trim().to_ascii_lowercase(), val.trim().to_string());
                    }
                }
                let len = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0usize);
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                v.lock().unwrap().push(Seen { method, target: target.clone(), headers, body: String::from_utf8_lossy(&body).into() });
                let reply = {
                    let mut script = s.lock().unwrap();
                    // An exact target first, else the longest `prefix*` that matches.
                    let key = if script.contains_key(&target) {
                        Some(target.clone())
                    } else {
                        script.keys().filter(|k| k.ends_with('*') && target.starts_with(&k[..k.len() - 1])).max_by_key(|k| k.len()).cloned()
                    };
                    match key.and_then(|k| script.get_mut(&k)) {
                        Some(q) if q.len() > 1 => q.pop_front().unwrap(),
                        Some(q) => q.front().cloned().unwrap(),
                        None => status(404),
                    }
                };
                let mut head = format!("HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n", reply.status, reply.body.len());
                for (k, val) in &reply.headers {
                    head.push_str(&format!("{k}: {val}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&reply.body[..reply.truncate_at.unwrap_or(reply.body.len())]);
                let _ = stream.flush();
            }
        });
        Mock { base, script, seen }
    }

    pub fn on(&self, target: &str, replies: Vec<Reply>) {
        self.script.lock().unwrap().insert(target.to_string(), replies.into());
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

pub fn atom_page(total: u64, ids: &[&str]) -> String {
    let entries: String = ids
        .iter()
        .map(|id| {
            format!(
                "<entry><id>http://arxiv.org/abs/{id}v1</id><updated>2025-06-02T10:00:00Z</updated><published>2025-06-02T10:00:00Z</published>\
                 <title>Paper {id} on sparse mixture of experts</title><summary>We study routing in mixture-of-experts language models ({id}).</summary>\
                 <author><name>Ada Lovelace</name></author><arxiv:primary_category xmlns:arxiv=\"http://arxiv.org/schemas/atom\" term=\"cs.CL\"/>\
                 <category term=\"cs.CL\"/></entry>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>ArXiv Query</title>\
         <opensearch:totalResults xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\">{total}</opensearch:totalResults>{entries}</feed>\n"
    )
}


pub fn hf_item(id: &str, title: &str) -> String {
    format!(
        "{{\"paper\":{{\"id\":\"{id}\",\"title\":\"{title}\",\"summary\":\"We present {title}, a benchmark.\",\"publishedAt\":\"2025-03-10T00:00:00.000Z\",\"authors\":[{{\"name\":\"Alan Turing\"}}]}},\
         \"publishedAt\":\"2025-03-11T00:00:00.000Z\",\"title\":\"{title}\",\"summary\":\"We present {title}, a benchmark.\"}}"
    )
}
