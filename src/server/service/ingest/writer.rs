//! Group commit for deliveries. Requests hand their delivery (and the values it stores) to a
//! writer task and wait; the writer takes everything queued at that moment and records it in
//! one transaction, then answers each request. Under load many requests share one durable
//! commit instead of queueing for the database's write lock one by one; a lone request is
//! written at once. Every answer is sent only after its commit, so an acknowledged delivery
//! is durable.

use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

use crate::server::store::{self, DeliveryForRecord, Recorded, Store};

/// The most deliveries committed together.
const MAX_BATCH: usize = 256;

struct Job {
    delivery: DeliveryForRecord,
    reply: oneshot::Sender<store::Result<Recorded>>,
}

/// The handle requests use to have a delivery recorded. Cheap to clone.
#[derive(Clone, Debug)]
pub struct DeliveryWriter {
    queue: mpsc::Sender<Job>,
}

impl DeliveryWriter {
    /// Starts `writers` writer tasks sharing one queue. Several writers commit batches side by
    /// side, which only PostgreSQL can do (SQLite has one write lock).
    pub fn start(store: Store, writers: usize) -> Self {
        let writers = writers.clamp(1, 64);
        let (queue, receiver) = mpsc::channel(8 * MAX_BATCH);
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..writers {
            tokio::spawn(run(store.clone(), receiver.clone()));
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

async fn run(store: Store, receiver: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        let batch = {
            let mut receiver = receiver.lock().await;
            let Some(first) = receiver.recv().await else {
                return;
            };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match receiver.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            batch
        };
        write(&store, batch).await;
    }
}

/// Commits a batch. If the batch fails as a whole, each delivery is tried on its own, so one
/// bad delivery fails only its own request.
async fn write(store: &Store, batch: Vec<Job>) {
    let (deliveries, replies): (Vec<DeliveryForRecord>, Vec<_>) = batch.into_iter().map(|job| (job.delivery, job.reply)).unzip();
    let deliveries: Arc<[DeliveryForRecord]> = deliveries.into();
    match store.record_deliveries(deliveries.clone()).await {
        Ok(recorded) => {
            for (reply, recorded) in replies.into_iter().zip(recorded) {
                let _ = reply.send(Ok(recorded));
            }
        }
        Err(error) if replies.len() > 1 => {
            tracing::warn!(error = %error, size = replies.len(), "a batch of deliveries failed; writing them one by one");
            for (reply, delivery) in replies.into_iter().zip(deliveries.iter()) {
                let alone: Arc<[DeliveryForRecord]> = Arc::new([delivery.clone()]);
                let _ = reply.send(store.record_deliveries(alone).await.map(|mut recorded| recorded.remove(0)));
            }
        }
        Err(error) => {
            if let Some(reply) = replies.into_iter().next() {
                let _ = reply.send(Err(error));
            }
        }
    }
}
