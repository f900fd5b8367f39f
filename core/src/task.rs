//! The future every auth call returns, and the shared state that lets a newer auth (or a drop)
//! end it and release its browser resources at once.

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::{AuthError, AuthSuccess};

type AuthResult = Result<AuthSuccess, AuthError>;
type Work<T = AuthResult> = Pin<Box<dyn Future<Output = T>>>;

#[derive(Default)]
pub(crate) struct Task {
    result: Option<AuthResult>,
    finished: bool,
    waker: Option<Waker>,
    /// Guards of the browser resources (popup, socket, timers, fetch abort): dropped on finish.
    resources: Option<Box<dyn Any>>,
}

pub(crate) type TaskRef = Rc<RefCell<Task>>;

impl Task {
    /// Ends the task with `result` unless it already ended; releases its resources.
    pub fn finish(task: &TaskRef, result: AuthResult) {
        let (resources, waker) = {
            let Ok(mut t) = task.try_borrow_mut() else { return };
            if t.finished {
                return;
            }
            t.finished = true;
            t.result = Some(result);
            (t.resources.take(), t.waker.take())
        };
        drop(resources);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Keeps `resources` until the task ends; a task that ended (or, never seen, one borrowed
    /// at this moment) releases them at once.
    pub fn set_resources(task: &TaskRef, resources: Box<dyn Any>) {
        let released = match task.try_borrow_mut() {
            Ok(mut t) if !t.finished => t.resources.replace(resources),
            _ => Some(resources),
        };
        drop(released);
    }
}

/// A handle on a running auth, kept by the client so that a newer auth can cancel it.
#[derive(Clone, Default)]
pub(crate) struct PendingAuth(Weak<RefCell<Task>>);

impl PendingAuth {
    pub fn cancel(&self, error: AuthError) {
        if let Some(task) = self.0.upgrade() {
            Task::finish(&task, Err(error));
        }
    }
}

/// The result of an auth call: resolves to the new connection or a typed error.
///
/// The work has already started when the call returns (the OAuth popup is open); natively
/// (feature `native`), when the future is first polled. Dropping the future cancels the auth:
/// its popup, socket, timers and request are released.
#[must_use = "dropping an AuthFuture cancels the auth"]
pub struct AuthFuture {
    task: TaskRef,
    work: Option<Work>,
}

impl fmt::Debug for AuthFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let finished = self.task.try_borrow().map(|t| t.finished).unwrap_or(false);
        f.debug_struct("AuthFuture").field("finished", &finished).finish()
    }
}

impl AuthFuture {
    /// A future that is already resolved.
    pub(crate) fn ready(result: AuthResult) -> Self {
        let task = TaskRef::default();
        Task::finish(&task, result);
        Self { task, work: None }
    }

    /// A future driven by resources that call [`Task::finish`] (e.g. socket listeners).
    #[cfg_attr(not(browser), allow(dead_code))]
    pub(crate) fn driven(task: TaskRef) -> Self {
        Self { task, work: None }
    }

    /// A future driven by `work` alone.
    pub(crate) fn from_work(work: impl Future<Output = AuthResult> + 'static) -> Self {
        Self { task: TaskRef::default(), work: Some(Box::pin(work)) }
    }

    /// A future driven by `work`, holding `resources` until it ends.
    #[cfg_attr(not(browser), allow(dead_code))]
    pub(crate) fn from_work_with_task(
        task: TaskRef,
        work: impl Future<Output = AuthResult> + 'static,
        resources: Box<dyn Any>,
    ) -> Self {
        Task::set_resources(&task, resources);
        Self { task, work: Some(Box::pin(work)) }
    }

    pub(crate) fn pending(&self) -> PendingAuth {
        PendingAuth(Rc::downgrade(&self.task))
    }

    /// Whether the auth has ended (the result may not have been taken yet).
    pub fn is_finished(&self) -> bool {
        self.task.try_borrow().map(|t| t.finished).unwrap_or(false)
    }
}

impl Future for AuthFuture {
    type Output = AuthResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<AuthResult> {
        let this = &mut *self;
        if let Some(work) = this.work.as_mut() {
            if this.task.try_borrow().is_ok_and(|t| t.finished) {
                this.work = None;
            } else if let Poll::Ready(result) = work.as_mut().poll(cx) {
                this.work = None;
                Task::finish(&this.task, result);
            }
        }
        // The task is borrowed only inside `Task::finish`, which runs no other code: never seen
        // here, and if it were, the future asks to be polled again.
        let Ok(mut task) = this.task.try_borrow_mut() else {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        if let Some(result) = task.result.take() {
            return Poll::Ready(result);
        }
        if task.finished {
            return Poll::Ready(Err(AuthError::cancelled("This auth already returned its result")));
        }
        task.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for AuthFuture {
    fn drop(&mut self) {
        self.work = None;
        Task::finish(&self.task, Err(AuthError::cancelled("The auth was dropped")));
    }
}

/// A future run in the background for as long as its handle lives: dropping the handle drops
/// the future at once, and with it the work it does (a `fetch` in it is aborted by its guard).
///
/// The future is polled in place, in its own slot, so dropping the handle never waits for it;
/// `then` gets its output outside that slot, so it may drop the handle or start another one.
pub(crate) struct Background(Rc<RefCell<Option<Work<()>>>>);

impl Background {
    pub fn spawn<T: 'static>(
        work: impl Future<Output = T> + 'static,
        then: impl FnOnce(T) + 'static,
    ) -> Self {
        let output = Rc::new(RefCell::new(None));
        let out = output.clone();
        let work: Work<()> = Box::pin(async move {
            let value = work.await;
            // Only these two places borrow it, one after the other.
            if let Ok(mut out) = out.try_borrow_mut() {
                *out = Some(value);
            }
        });
        let slot = Rc::new(RefCell::new(Some(work)));
        let weak = Rc::downgrade(&slot);
        crate::platform::spawn(async move {
            poll_fn(|cx| {
                let Some(slot) = weak.upgrade() else { return Poll::Ready(()) };
                let Ok(mut slot) = slot.try_borrow_mut() else { return Poll::Ready(()) };
                match slot.as_mut().map(|work| work.as_mut().poll(cx)) {
                    Some(Poll::Pending) => Poll::Pending,
                    _ => {
                        *slot = None;
                        Poll::Ready(())
                    }
                }
            })
            .await;
            // `None` when the handle was dropped first.
            let value = output.try_borrow_mut().ok().and_then(|mut output| output.take());
            if let Some(value) = value {
                then(value);
            }
        });
        Self(slot)
    }

    /// Whether the future has not ended yet.
    pub fn is_running(&self) -> bool {
        self.0.try_borrow().map_or(true, |slot| slot.is_some())
    }
}

/// `work`, or `late()` when it has not ended within `limit` (a limit too long for a timer never
/// ends it).
pub(crate) async fn within<T>(
    work: impl Future<Output = Result<T, AuthError>>,
    limit: Duration,
    late: impl FnOnce() -> AuthError,
) -> Result<T, AuthError> {
    let (mut work, mut timer) = (pin!(work), pin!(crate::platform::sleep(limit)));
    let mut late = Some(late);
    poll_fn(|cx| {
        if let Poll::Ready(result) = work.as_mut().poll(cx) {
            return Poll::Ready(result);
        }
        match (timer.as_mut().poll(cx), late.take()) {
            (Poll::Ready(()), Some(late)) => Poll::Ready(Err(late())),
            (_, late_again) => {
                late = late_again;
                Poll::Pending
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AuthErrorType;
    use futures_util::FutureExt;
    use std::cell::Cell;

    struct Flag(Rc<Cell<bool>>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }

    #[test]
    fn cancel_releases_resources_and_resolves() {
        let released = Rc::new(Cell::new(false));
        let task = TaskRef::default();
        Task::set_resources(&task, Box::new(Flag(released.clone())));
        let fut = AuthFuture::driven(task);
        let pending = fut.pending();
        assert!(!fut.is_finished());
        pending.cancel(AuthError::cancelled("superseded"));
        assert!(released.get());
        let err = fut.now_or_never().unwrap().unwrap_err();
        assert_eq!(err.kind, AuthErrorType::Cancelled);
    }

    #[test]
    fn drop_releases_resources() {
        let released = Rc::new(Cell::new(false));
        let fut = AuthFuture::from_work_with_task(
            TaskRef::default(),
            std::future::pending(),
            Box::new(Flag(released.clone())),
        );
        let pending = fut.pending();
        drop(fut);
        assert!(released.get());
        pending.cancel(AuthError::cancelled("late")); // a no-op, not a panic
    }

    #[test]
    fn work_result_is_returned() {
        let released = Rc::new(Cell::new(false));
        let ok =
            AuthSuccess { provider_config_key: "p".into(), connection_id: "c".into(), is_pending: false };
        let fut = AuthFuture::from_work_with_task(
            TaskRef::default(),
            std::future::ready(Ok(ok.clone())),
            Box::new(Flag(released.clone())),
        );
        assert_eq!(fut.now_or_never().unwrap(), Ok(ok));
        assert!(released.get());
    }
}
