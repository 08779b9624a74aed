//! A real SMTP server for the tests, on a port of its own: speaks enough SMTP for lettre (EHLO,
//! MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT), records each accepted message's envelope and
//! raw bytes, can refuse chosen recipients (550) and can be "down" (every connection greeted
//! with 421 and closed), or can hang at DATA once it has accepted some messages (a server
//! that stops answering mid-conversation).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message the sink accepted.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: Vec<u8>,
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    refused: HashSet<String>,
    down: bool,
    /// Connections greeted with 421 while down.
    turned_away: usize,
    /// Once this many messages are accepted, DATA gets no answer.
    hang_after: Option<usize>,
    /// Conversations left hanging at DATA.
    hanging: usize,
}

#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the SMTP sink");
        let port = listener.local_addr().expect("sink address").port();
        let sink = Self { port, state: Arc::default() };
        let state = sink.state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = state.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, state).await;
                });
            }
        });
        sink
    }

    /// `smtp://127.0.0.1:<port>`, for `INLET_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    pub fn set_down(&self, down: bool) {
        self.state.lock().unwrap().down = down;
    }

    pub fn turned_away(&self) -> usize {
        self.state.lock().unwrap().turned_away
    }

    /// Once `accepted` messages have arrived, every DATA command is left unanswered.
    pub fn hang_after(&self, accepted: usize) {
        self.state.lock().unwrap().hang_after = Some(accepted);
    }

    /// DATA is answered again.
    pub fn stop_hanging(&self) {
        self.state.lock().unwrap().hang_after = None;
    }

    /// Conversations left hanging at DATA so far.
    pub fn hanging(&self) -> usize {
        self.state.lock().unwrap().hanging
    }

    /// RCPT TO this address gets 550 from now on.
    pub fn refuse(&self, address: &str) {
        self.state.lock().unwrap().refused.insert(address.to_ascii_lowercase());
    }
}

fn address_in(argument: &str) -> String {
    let inner = argument.split_once('<').and_then(|(_, rest)| rest.split_once('>')).map(|(a, _)| a).unwrap_or(argument);
    inner.trim().to_ascii_lowercase()
}

async fn serve(stream: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let down = {
        let mut state = state.lock().unwrap();
        if state.down {
            state.turned_away += 1;
        }
        state.down
    };
    if down {
        writer.write_all(b"421 sink.test Service not available\r\n").await?;
        return writer.shutdown().await;
    }
    writer.write_all(b"220 sink.test ESMTP test sink\r\n").await?;
    let (mut mail_from, mut rcpt_to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end();
        let (verb, argument) = command.split_once(' ').unwrap_or((command, ""));
        let reply: &[u8] = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" | "NOOP" => b"250 OK\r\n",
            "RSET" => {
                (mail_from, rcpt_to) = (String::new(), Vec::new());
                b"250 OK\r\n"
            }
            "MAIL" => {
                mail_from = address_in(argument);
                b"250 OK\r\n"
            }
            "RCPT" => {
                let address = address_in(argument);
                if state.lock().unwrap().refused.contains(&address) {
                    b"550 5.1.1 No such user here\r\n"
                } else {
                    rcpt_to.push(address);
                    b"250 OK\r\n"
                }
            }
            "DATA" if rcpt_to.is_empty() => b"554 No valid recipients\r\n",
            "DATA" if hangs(&state) => {
                // Read and ignore everything until the client goes away.
                let mut ignored = String::new();
                while reader.read_line(&mut ignored).await? > 0 {
                    ignored.clear();
                }
                return Ok(());
            }
            "DATA" => {
                writer.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let data = read_data(&mut reader).await?;
                let received = Received { mail_from: mail_from.clone(), rcpt_to: std::mem::take(&mut rcpt_to), data };
                state.lock().unwrap().received.push(received);
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                writer.write_all(b"221 Bye\r\n").await?;
                return writer.shutdown().await;
            }
            _ => b"502 Command not implemented\r\n",
        };
        writer.write_all(reply).await?;
    }
}

/// Whether this DATA is left unanswered (and counts it).
fn hangs(state: &Mutex<State>) -> bool {
    let mut state = state.lock().unwrap();
    let hangs = state.hang_after.is_some_and(|n| state.received.len() >= n);
    if hangs {
        state.hanging += 1;
    }
    hangs
}

/// The message up to the lone ".", with dot-stuffing undone, CRLF line ends kept.
async fn read_data(reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(data);
        }
        let unstuffed = if line.starts_with(b"..") { &line[1..] } else { &line[..] };
        data.extend_from_slice(unstuffed);
    }
}
