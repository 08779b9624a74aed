//! Group commit for deliveries. Requests hand their delivery (and the values it stores) to a
//! writer and wait; the writer takes everything queued at that moment and records it in one
//! transaction, then answers each request. Under load many requests share one durable commit
//! instead of queueing for the database's write lock one by one; a lone request is written at
//! once. Every answer is sent only after its commit, so an acknowledged delivery is durable.
//!
//! On SQLite the writer is a thread of its own that holds the one writing connection: SQLite
//! has a single writer anyway, and a thread that blocks on the queue costs no hand-off to a
//! blocking thread and back (two wake-ups) per batch. That thread is the one part of ingestion
//! that cannot use a second core, so it hands a committed batch's answers to the runtime as one
//! task: waking each waiting request from outside the runtime cost it a system call per
//! request, about a tenth of its time. For the same reason a second thread copies the
//! write-ahead log back into the database file while deliveries are being written (a passive
//! checkpoint, at most every `CHECKPOINT_EVERY`): left to the writer, each checkpoint copied up
//! to 40 MiB while every request waited, which set the p99 latency. On PostgreSQL the writers
//! are tasks, several side by side.

use std::sync::mpsc::sync_channel;
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot, Mutex};

use crate::server::store::{self, DeliveryForRecord, Recorded, SqliteRecorder, Store};

/// The most deliveries committed together.
const MAX_BATCH: usize = 256;

/// How often, at most, the checkpointer runs while deliveries are written. Under
/// `scripts/bench-ingest` (alternating runs): p99 12 ms at 50 ms, 17 ms at 200 ms, 20 ms with
/// the writer's checkpoints alone.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(50);

type Reply = oneshot::Sender<store::Result<Recorded>>;

struct Job {
    delivery: DeliveryForRecord,
    reply: Reply,
}

/// The handle requests use to have a delivery recorded. Cheap to clone.
#[derive(Clone, Debug)]
pub struct DeliveryWriter {
    queue: mpsc::Sender<Job>,
}

impl DeliveryWriter {
    /// Starts the writer: SQLite's thread, or `writers` PostgreSQL tasks sharing one queue
    /// (several writers commit batches side by side, which only PostgreSQL can do). The
    /// writers stop once every handle is dropped. Must be called within the Tokio runtime.
    pub fn start(store: Store, writers: usize) -> Self {
        let (queue, mut receiver) = mpsc::channel(8 * MAX_BATCH);
        if let Some(recorder) = store.sqlite_recorder() {
            let runtime = Handle::current();
            // One pending signal is enough: the checkpointer copies whatever the log holds.
            let (wrote, written) = sync_channel::<()>(1);
            let mut checkpointer = recorder.checkpointer();
            std::thread::Builder::new()
                .name("inlet-checkpoint".into())
                .spawn(move || {
                    // Ends with the writer, which holds the sender.
                    while written.recv().is_ok() {
                        if let Err(error) = checkpointer.checkpoint() {
                            tracing::warn!(%error, "a background checkpoint failed; the writer's own go on");
                        }
                        std::thread::sleep(CHECKPOINT_EVERY);
                    }
                })
                .expect("the operating system refused a thread for the checkpointer");
            std::thread::Builder::new()
                .name("inlet-writer".into())
                .spawn(move || {
                    while let Some(first) = receiver.blocking_recv() {
                        write_sqlite(&recorder, &runtime, gather(first, &mut receiver));
                        let _ = wrote.try_send(());
                    }
                })
                .expect("the operating system refused a thread for the delivery writer");
            return Self { queue };
        }
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..writers.clamp(1, 64) {
            let (store, receiver) = (store.clone(), receiver.clone());
            tokio::spawn(async move {
                loop {
                    let batch = {
                        let mut receiver = receiver.lock().await;
                        let Some(first) = receiver.recv().await else { return };
                        gather(first, &mut receiver)
                    };
                    write(&store, batch).await;
                }
            });
        }
        Self { queue }
    }

    /// Records a delivery; returns once it is committed.
    pub async fn record(&self, delivery: DeliveryForRecord) -> store::Result<Recorded> {
        let (reply, answer) = oneshot::channel();
        self.queue.send(Job { delivery, reply }).await.map_err(|_| store::Error::WriterStopped)?;
        answer.await.map_err(|_| store::Error::WriterStopped)?
    }
}

/// The first job and whatever else is queued at this moment, up to a batch.
fn gather(first: Job, receiver: &mut mpsc::Receiver<Job>) -> Vec<Job> {
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match receiver.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    batch
}

fn split(batch: Vec<Job>) -> (Arc<[DeliveryForRecord]>, Vec<Reply>) {
    let (deliveries, replies): (Vec<DeliveryForRecord>, Vec<Reply>) =
        batch.into_iter().map(|job| (job.delivery, job.reply)).unzip();
    (deliveries.into(), replies)
}

type Answer = (Reply, store::Result<Recorded>);
/// A request whose delivery is to be written alone.
type Alone = (Reply, Arc<[DeliveryForRecord]>);

/// The answers to a committed batch's requests. When the batch failed as a whole and had more
/// than one delivery, answers none and returns each request with its delivery alone, to be
/// written one by one, so one bad delivery fails only its own request.
fn answer(
    replies: Vec<Reply>,
    deliveries: &[DeliveryForRecord],
    committed: store::Result<Vec<Recorded>>,
) -> (Vec<Answer>, Vec<Alone>) {
    match committed {
        Ok(recorded) => (replies.into_iter().zip(recorded.into_iter().map(Ok)).collect(), Vec::new()),
        Err(error) if replies.len() > 1 => {
            tracing::warn!(%error, size = replies.len(), "a batch of deliveries failed; writing them one by one");
            (
                Vec::new(),
                replies.into_iter().zip(deliveries).map(|(reply, delivery)| (reply, Arc::from([delivery.clone()]))).collect(),
            )
        }
        Err(error) => (replies.into_iter().next().map(|reply| (reply, Err(error))).into_iter().collect(), Vec::new()),
    }
}

fn send(answers: Vec<Answer>) {
    for (reply, answer) in answers {
        let _ = reply.send(answer);
    }
}

fn first_of(recorded: store::Result<Vec<Recorded>>) -> store::Result<Recorded> {
    recorded.map(|mut recorded| recorded.remove(0))
}

fn write_sqlite(recorder: &SqliteRecorder, runtime: &Handle, batch: Vec<Job>) {
    let (deliveries, replies) = split(batch);
    let (mut answers, one_by_one) = answer(replies, &deliveries, recorder.record_blocking(&deliveries));
    for (reply, alone) in one_by_one {
        answers.push((reply, first_of(recorder.record_blocking(&alone))));
    }
    runtime.spawn(async move { send(answers) });
}

async fn write(store: &Store, batch: Vec<Job>) {
    let (deliveries, replies) = split(batch);
    let (answers, one_by_one) = answer(replies, &deliveries, store.record_deliveries(deliveries.clone()).await);
    send(answers);
    for (reply, alone) in one_by_one {
        let _ = reply.send(first_of(store.record_deliveries(alone).await));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deliveries(n: usize) -> Vec<DeliveryForRecord> {
        vec![DeliveryForRecord::default(); n]
    }

    fn replies(n: usize) -> (Vec<Reply>, Vec<oneshot::Receiver<store::Result<Recorded>>>) {
        (0..n).map(|_| oneshot::channel()).unzip()
    }

    #[test]
    fn a_committed_batch_answers_every_request_in_order() {
        let (senders, mut receivers) = replies(2);
        let recorded = vec![Recorded::Stored { delivery_id: 1, changed: 4, ticket_id: None }, Recorded::DuplicateIdempotencyKey];
        let (answers, one_by_one) = answer(senders, &deliveries(2), Ok(recorded.clone()));
        assert!(one_by_one.is_empty());
        send(answers);
        for (receiver, expected) in receivers.iter_mut().zip(recorded) {
            assert_eq!(receiver.try_recv().unwrap().unwrap(), expected);
        }
    }

    #[test]
    fn a_failed_batch_is_handed_back_to_be_written_one_by_one() {
        let (senders, mut receivers) = replies(3);
        let (answers, back) = answer(senders, &deliveries(3), Err(store::Error::WriterStopped));
        assert!(answers.is_empty());
        assert_eq!(back.len(), 3);
        assert!(back.iter().all(|(_, alone)| alone.len() == 1), "each delivery alone");
        assert!(receivers[0].try_recv().is_err(), "no answer yet");
    }

    #[test]
    fn a_failed_lone_delivery_gets_the_error() {
        let (senders, mut receivers) = replies(1);
        let (answers, one_by_one) = answer(senders, &deliveries(1), Err(store::Error::WriterStopped));
        assert!(one_by_one.is_empty());
        send(answers);
        assert!(matches!(receivers[0].try_recv().unwrap(), Err(store::Error::WriterStopped)));
    }
}
