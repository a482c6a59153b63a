//! What `select_backend` writes to the log.
//!
//! One test in its own binary: `tracing::subscriber::with_default` only sees events reliably
//! when no other thread of the process hits the same call sites at the same time (a callsite
//! first registered by a thread without a subscriber may be cached as uninteresting), so a log
//! capture next to other tests that select a backend is flaky.

use std::io::Write;
use std::sync::{Arc, Mutex};

use rebuttal_gpu::{BackendChoice, choose_backend, select_backend};

/// Log output captured from a closure run under its own subscriber.
fn captured_logs<T>(f: impl FnOnce() -> T) -> (T, String) {
    #[derive(Clone)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink(buf.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let out = tracing::subscriber::with_default(subscriber, f);
    let text = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
    (out, text)
}

#[test]
fn select_backend_logs_the_choice_in_one_line() {
    let (cpu, logs) = captured_logs(|| select_backend(BackendChoice::Cpu));
    assert_eq!(cpu.unwrap().name(), "cpu");
    assert_eq!(logs, "", "choosing the CPU logs nothing");

    let (auto, logs) = captured_logs(|| select_backend(BackendChoice::Auto));
    let auto = auto.expect("auto never fails with valid thresholds");
    let (level, line) = choose_backend(BackendChoice::Auto).unwrap().note.unwrap();
    let lines: Vec<&str> = logs.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one log line: {logs:?}");
    assert!(lines[0].contains(&line) && lines[0].contains(level.as_str()), "{logs}");
    assert!(auto.name() == "cuda" || auto.name() == "cpu");
}
