//! `nango-cli-demo --host URL --session-url URL auth INTEGRATION` (or `api-key INTEGRATION KEY`):
//! prints `connected <connection_id>`, or `failed <error_type>` with exit code 1 (2: bad usage).

use std::process::ExitCode;

use nango_cli_demo::{Args, USAGE, run};

// One thread: the core's types are `!Send`, and `block_on` awaits the auth on this thread.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(problem) => {
            eprintln!("{problem}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!("failed {}", error.error_type());
            eprintln!("{}", error.message);
            ExitCode::FAILURE
        }
    }
}
