//! A loopback SMTP server for tests: accepts everything on 127.0.0.1 (except recipients it was
//! told to refuse) and keeps what it received. Speaks just enough SMTP for lettre and similar
//! clients: EHLO/HELO, AUTH PLAIN/LOGIN (any password), MAIL, RCPT, DATA, RSET, NOOP, QUIT.
//! No TLS, so clients must use [`crate::Tls::None`].

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// One message as the sink received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// The envelope sender (MAIL FROM), without the angle brackets.
    pub from: String,
    /// The envelope recipients the sink accepted (RCPT TO), without the angle brackets.
    pub to: Vec<String>,
    /// Headers and body as sent, dot-unstuffed, lines ending in CRLF, without the final ".".
    pub data: String,
    /// The user name of a successful AUTH, if the client authenticated.
    pub authenticated_as: Option<String>,
}

impl Received {
    /// A header's value, unfolded, with RFC 2047 encoded words (`=?utf-8?b?…?=`) decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = split_head(&self.data);
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            match &mut value {
                // A folded continuation of the header found.
                Some(found) if line.starts_with([' ', '\t']) => found.push_str(line),
                Some(_) => break,
                None => {
                    if let Some((key, rest)) = line.split_once(':')
                        && key.eq_ignore_ascii_case(name)
                    {
                        value = Some(rest.trim_start().to_owned());
                    }
                }
            }
        }
        value.map(|value| decode_words(&value))
    }

    /// The body as text, its Content-Transfer-Encoding (base64, quoted-printable, 7bit, 8bit)
    /// undone. For single-part messages, which is what [`crate::Mailer`] sends.
    pub fn body_text(&self) -> String {
        let (_, body) = split_head(&self.data);
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = match encoding.trim() {
            "base64" => {
                let compact: String = body.split_whitespace().collect();
                STANDARD
                    .decode(compact)
                    .unwrap_or_else(|_| body.as_bytes().to_vec())
            }
            "quoted-printable" => {
                quoted_printable::decode(body, quoted_printable::ParseMode::Robust)
                    .unwrap_or_else(|_| body.as_bytes().to_vec())
            }
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
    }
}

fn split_head(data: &str) -> (&str, &str) {
    data.split_once("\r\n\r\n").unwrap_or((data, ""))
}

/// Decodes the `=?charset?b|q?text?=` words in a header value (UTF-8 and ASCII charsets).
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let decoded = rest[start + 2..]
            .split_once('?')
            .and_then(|(_charset, tail)| {
                let (kind, tail) = tail.split_once('?')?;
                let (text, tail) = tail.split_once("?=")?;
                let bytes = match kind {
                    "b" | "B" => STANDARD.decode(text).ok()?,
                    "q" | "Q" => quoted_printable::decode(
                        text.replace('_', " "),
                        quoted_printable::ParseMode::Robust,
                    )
                    .ok()?,
                    _ => return None,
                };
                Some((String::from_utf8_lossy(&bytes).into_owned(), tail))
            });
        let between = &rest[..start];
        match decoded {
            Some((word, tail)) => {
                // Whitespace between two encoded words is not part of the text (RFC 2047 6.2).
                if !(after_word && between.trim().is_empty()) {
                    out.push_str(between);
                }
                out.push_str(&word);
                rest = tail;
                after_word = true;
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
                after_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

#[derive(Default)]
struct State {
    messages: Mutex<Vec<Received>>,
    refused: Mutex<HashSet<String>>,
    arrived: Notify,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not hide what the sink received from the others.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The running server. Stops when dropped.
pub struct Sink {
    port: u16,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Sink {
    /// Starts listening on 127.0.0.1 on a free port.
    pub async fn start() -> Sink {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind the SMTP sink to 127.0.0.1");
        let port = listener.local_addr().expect("the sink's address").port();
        let state = Arc::new(State::default());
        let task = tokio::spawn({
            let state = state.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    // A failed session (client gone) only ends that session.
                    tokio::spawn(session(stream, state.clone()));
                }
            }
        });
        Sink { port, state, task }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Settings that send to this sink.
    pub fn config(&self, from: &str) -> crate::SmtpConfig {
        crate::SmtpConfig {
            host: "127.0.0.1".into(),
            port: self.port,
            username: None,
            password: None,
            from: from.into(),
            tls: crate::Tls::None,
        }
    }

    /// From now on, answer RCPT TO for `address` (any case) with `550 5.1.1 Mailbox unavailable`.
    pub fn refuse(&self, address: &str) {
        lock(&self.state.refused).insert(address.to_ascii_lowercase());
    }

    /// Everything received so far, oldest first.
    pub fn messages(&self) -> Vec<Received> {
        lock(&self.state.messages).clone()
    }

    /// Waits until at least `n` messages have arrived and returns them all; panics after
    /// `timeout` (this is for tests) saying how many did arrive.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            // Registered before looking, so an arrival between the look and the wait wakes us.
            let arrived = self.state.arrived.notified();
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                panic!(
                    "the SMTP sink expected {n} message(s) within {timeout:?}, got {}",
                    messages.len()
                );
            }
        }
    }
}

/// A message's transaction state between MAIL and the end of DATA.
#[derive(Default)]
struct Transaction {
    from: Option<String>,
    to: Vec<String>,
}

/// The longest line or message the sink accepts, so a runaway client cannot fill the memory.
const MAX_LINE: u64 = 64 * 1024;
const MAX_DATA: usize = 32 * 1024 * 1024;

async fn session(stream: TcpStream, state: Arc<State>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write
        .write_all(b"220 cartwise-sink ESMTP ready\r\n")
        .await?;
    let mut transaction = Transaction::default();
    let mut user: Option<String> = None;
    loop {
        let Some(line) = read_line(&mut read).await? else {
            return Ok(());
        };
        let upper = line.to_ascii_uppercase();
        let verb = upper.split_whitespace().next().unwrap_or("");
        let reply: String = match verb {
            "EHLO" => {
                transaction = Transaction::default();
                "250-cartwise-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-SIZE 33554432\r\n\
                 250 AUTH PLAIN LOGIN\r\n"
                    .into()
            }
            "HELO" => {
                transaction = Transaction::default();
                "250 cartwise-sink\r\n".into()
            }
            "AUTH" => {
                let mut words = line.split_whitespace().skip(1);
                let mechanism = words.next().unwrap_or("").to_ascii_uppercase();
                let initial = words.next().map(str::to_owned);
                match auth(&mechanism, initial, &mut read, &mut write).await? {
                    Some(name) => {
                        user = Some(name);
                        "235 2.7.0 Authentication successful\r\n".into()
                    }
                    None => "535 5.7.8 Authentication credentials invalid\r\n".into(),
                }
            }
            "MAIL" => match path_after(&line, "MAIL FROM:") {
                Some(from) => {
                    transaction = Transaction {
                        from: Some(from),
                        to: Vec::new(),
                    };
                    "250 2.1.0 OK\r\n".into()
                }
                None => "501 5.5.4 Syntax: MAIL FROM:<address>\r\n".into(),
            },
            "RCPT" => match (&transaction.from, path_after(&line, "RCPT TO:")) {
                (None, _) => "503 5.5.1 MAIL first\r\n".into(),
                (Some(_), None) => "501 5.5.4 Syntax: RCPT TO:<address>\r\n".into(),
                (Some(_), Some(to)) => {
                    if lock(&state.refused).contains(&to.to_ascii_lowercase()) {
                        "550 5.1.1 Mailbox unavailable\r\n".into()
                    } else {
                        transaction.to.push(to);
                        "250 2.1.5 OK\r\n".into()
                    }
                }
            },
            "DATA" if transaction.to.is_empty() => "503 5.5.1 RCPT first\r\n".into(),
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let Some(data) = read_data(&mut read).await? else {
                    return Ok(());
                };
                let Transaction { from, to } = std::mem::take(&mut transaction);
                let number = {
                    let mut messages = lock(&state.messages);
                    messages.push(Received {
                        from: from.unwrap_or_default(),
                        to,
                        data,
                        authenticated_as: user.clone(),
                    });
                    messages.len()
                };
                state.arrived.notify_waiters();
                format!("250 2.0.0 OK queued as sink-{number}\r\n")
            }
            "RSET" => {
                transaction = Transaction::default();
                "250 2.0.0 OK\r\n".into()
            }
            "NOOP" => "250 2.0.0 OK\r\n".into(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 Command not recognized\r\n".into(),
        };
        write.write_all(reply.as_bytes()).await?;
    }
}

/// One line without its line ending; `None` at end of stream. Lone LF is accepted too.
async fn read_line<R: AsyncBufReadExt + Unpin>(read: &mut R) -> std::io::Result<Option<String>> {
    let mut bytes = Vec::new();
    let n = (&mut *read)
        .take(MAX_LINE)
        .read_until(b'\n', &mut bytes)
        .await?;
    if n == 0 {
        return Ok(None);
    }
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// The DATA section up to the lone ".", dot-unstuffed, lines joined with CRLF.
async fn read_data<R: AsyncBufReadExt + Unpin>(read: &mut R) -> std::io::Result<Option<String>> {
    let mut data = String::new();
    loop {
        let Some(line) = read_line(read).await? else {
            return Ok(None);
        };
        if line == "." {
            return Ok(Some(data));
        }
        let line = line.strip_prefix('.').unwrap_or(&line);
        if data.len() + line.len() > MAX_DATA {
            return Err(std::io::Error::other("message too large for the sink"));
        }
        data.push_str(line);
        data.push_str("\r\n");
    }
}

/// The address in `MAIL FROM:<a> …` / `RCPT TO:<a> …` (the prefix in any case, brackets
/// optional); `None` when the prefix is missing. The null sender `<>` gives "".
fn path_after(line: &str, prefix: &str) -> Option<String> {
    let head = line.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = line[prefix.len()..].trim_start();
    let address = match rest.strip_prefix('<') {
        Some(inner) => inner.split_once('>')?.0,
        None => rest.split_whitespace().next().unwrap_or(""),
    };
    Some(address.to_owned())
}

/// Runs AUTH PLAIN or LOGIN; any password is accepted. The user name, or `None` if the
/// exchange was malformed.
async fn auth<R, W>(
    mechanism: &str,
    initial: Option<String>,
    read: &mut R,
    write: &mut W,
) -> std::io::Result<Option<String>>
where
    R: AsyncBufReadExt + Unpin,
    W: AsyncWriteExt + Unpin,
{
    let decode = |text: &str| {
        STANDARD
            .decode(text.trim())
            .ok()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    };
    let mut ask = async |prompt: &str| -> std::io::Result<Option<String>> {
        write
            .write_all(format!("334 {prompt}\r\n").as_bytes())
            .await?;
        Ok(read_line(read).await?.as_deref().and_then(decode))
    };
    match mechanism {
        "PLAIN" => {
            let credentials = match initial {
                Some(text) => decode(&text),
                None => ask("").await?,
            };
            // authzid NUL authcid NUL password
            Ok(credentials.and_then(|text| text.split('\0').nth(1).map(str::to_owned)))
        }
        "LOGIN" => {
            let user = match initial {
                Some(text) => decode(&text),
                // "Username:" in base64.
                None => ask("VXNlcm5hbWU6").await?,
            };
            // "Password:" in base64.
            let password = ask("UGFzc3dvcmQ6").await?;
            Ok(user.filter(|_| password.is_some()))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_are_decoded() {
        assert_eq!(decode_words("=?utf-8?b?R3LDvMOfZQ==?="), "Grüße");
        assert_eq!(
            decode_words("Hi =?utf-8?q?Gr=C3=BC=C3=9Fe?= =?utf-8?b?IQ==?= there"),
            "Hi Grüße! there"
        );
        assert_eq!(decode_words("plain =? text"), "plain =? text");
    }

    #[test]
    fn paths_are_read_with_or_without_brackets() {
        assert_eq!(
            path_after("MAIL FROM:<a@b.c> BODY=8BITMIME", "MAIL FROM:"),
            Some("a@b.c".into())
        );
        assert_eq!(
            path_after("rcpt to: x@y.z", "RCPT TO:"),
            Some("x@y.z".into())
        );
        assert_eq!(
            path_after("MAIL FROM:<>", "MAIL FROM:"),
            Some(String::new())
        );
        assert_eq!(path_after("MAIL", "MAIL FROM:"), None);
    }
}
