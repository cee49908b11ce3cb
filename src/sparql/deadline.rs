//! The time limit of one query. oxigraph only stops when its cancellation token is set (it
//! checks it as it reads the store), so a timer thread sets it at the deadline; the result
//! writer also checks the clock between rows, for work that reads nothing from the store.

use super::SparqlError;
use oxigraph::sparql::{CancellationToken, QueryEvaluationError};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

pub(crate) struct Deadline {
    /// `None`: no limit.
    at: Option<Instant>,
    limit: Duration,
    token: CancellationToken,
    /// Dropping it wakes the timer thread, which then exits without cancelling.
    _stop: Option<mpsc::Sender<()>>,
}

impl Deadline {
    /// Start the clock now; `None` means no limit (and no timer thread).
    pub fn start(limit: Option<Duration>) -> Self {
        let token = CancellationToken::new();
        let Some(limit) = limit else {
            return Self { at: None, limit: Duration::ZERO, token, _stop: None };
        };
        let (stop, stopped) = mpsc::channel::<()>();
        let cancel = token.clone();
        // Without a thread the clock checks between rows still apply; a lost timer only
        // lets a query that reads nothing run past its limit.
        let timer = std::thread::Builder::new().name("sparql-timeout".into()).spawn(move || {
            if stopped.recv_timeout(limit) == Err(RecvTimeoutError::Timeout) {
                cancel.cancel();
            }
        });
        Self { at: Some(Instant::now() + limit), limit, token, _stop: timer.ok().map(|_| stop) }
    }

    pub fn token(&self) -> CancellationToken {
        self.token.clone()
    }

    pub fn timeout(&self) -> SparqlError {
        SparqlError::Timeout { seconds: self.limit.as_secs_f64() }
    }

    /// `Err(Timeout)` once the deadline has passed; stops the evaluation too.
    pub fn check(&self) -> Result<(), SparqlError> {
        if self.token.is_cancelled() || self.at.is_some_and(|at| Instant::now() >= at) {
            self.token.cancel();
            return Err(self.timeout());
        }
        Ok(())
    }

    /// Pull every result of `items` within the deadline, handing each to `take`; the count.
    pub fn pull<T>(&self, items: impl Iterator<Item = Result<T, QueryEvaluationError>>, mut take: impl FnMut(T) -> Result<(), SparqlError>) -> Result<u64, SparqlError> {
        let mut count = 0;
        for item in items {
            let item = item.map_err(|e| self.error(e))?;
            self.check()?;
            take(item)?;
            count += 1;
        }
        Ok(count)
    }

    /// An evaluation error, where a cancellation means this deadline fired.
    pub fn error(&self, e: QueryEvaluationError) -> SparqlError {
        match e {
            QueryEvaluationError::Cancelled => self.timeout(),
            e => SparqlError::Evaluation(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timer_cancels_at_the_deadline() {
        let d = Deadline::start(Some(Duration::from_millis(30)));
        assert!(d.check().is_ok());
        std::thread::sleep(Duration::from_millis(200));
        assert!(d.token().is_cancelled(), "the timer thread set the token");
        assert!(matches!(d.check(), Err(SparqlError::Timeout { .. })));
    }

    #[test]
    fn no_limit_never_fires() {
        let d = Deadline::start(None);
        assert!(d.check().is_ok());
        assert!(matches!(d.error(QueryEvaluationError::Cancelled), SparqlError::Timeout { .. }));
    }

    #[test]
    fn a_finished_query_stops_its_timer() {
        let d = Deadline::start(Some(Duration::from_secs(3600)));
        let token = d.token();
        drop(d);
        std::thread::sleep(Duration::from_millis(50));
        assert!(!token.is_cancelled());
    }
}
