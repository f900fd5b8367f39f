//! `fake-browser approve|deny URL`: the test browser of [`nango_cli_demo::fake_browser`], as a
//! command for `nango-cli-demo --open-with`. Prints the last page's status; exit code 1 when it
//! could not load the pages.

use nango_cli_demo::fake_browser::{Decision, browse};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(decision), Some(url)) = (args.first().and_then(|d| Decision::parse(d)), args.get(1)) else {
        eprintln!("usage: fake-browser approve|deny URL");
        return std::process::ExitCode::from(2);
    };
    match browse(url, decision).await {
        Ok(page) => {
            println!("{}", page.status);
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("fake-browser: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
