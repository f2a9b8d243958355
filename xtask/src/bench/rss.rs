//! The server's resident memory, sampled from `/proc/<pid>/status` while scenarios run.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::task::JoinHandle;

/// How often the memory is read.
const INTERVAL: Duration = Duration::from_millis(100);

/// A background task that keeps the largest RSS seen while measuring is on.
#[derive(Debug)]
pub struct Sampler {
    measuring: Arc<AtomicBool>,
    max_kib: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl Sampler {
    /// Starts sampling process `pid` (measuring is off until [`Sampler::measuring`]).
    pub fn start(pid: u32) -> Self {
        let measuring = Arc::new(AtomicBool::new(false));
        let max_kib = Arc::new(AtomicU64::new(0));
        let task = {
            let (measuring, max_kib) = (measuring.clone(), max_kib.clone());
            tokio::spawn(async move {
                let path = format!("/proc/{pid}/status");
                loop {
                    if measuring.load(Ordering::Relaxed)
                        && let Some(kib) = read_rss_kib(&path).await
                    {
                        max_kib.fetch_max(kib, Ordering::Relaxed);
                    }
                    tokio::time::sleep(INTERVAL).await;
                }
            })
        };
        Self {
            measuring,
            max_kib,
            task,
        }
    }

    /// Turns sampling on (while a scenario runs) or off (while the bench seeds).
    pub fn measuring(&self, on: bool) {
        self.measuring.store(on, Ordering::Relaxed);
    }

    /// Stops sampling; the largest RSS seen in MiB, if any sample was taken.
    pub async fn stop(self) -> Option<f64> {
        self.task.abort();
        let _ = self.task.await;
        let kib = self.max_kib.load(Ordering::Relaxed);
        (kib > 0).then(|| kib as f64 / 1024.0)
    }
}

/// `VmRSS` of a `/proc/<pid>/status` file, in KiB.
async fn read_rss_kib(path: &str) -> Option<u64> {
    let status = tokio::fs::read_to_string(path).await.ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}
