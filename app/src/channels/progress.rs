//! Live sync progress: a bar per entity (done / total), records per second and ETA. Rendered on
//! the server from the current state; in the browser it follows the channel's event stream
//! (gloo-net EventSource), falling back to polling when the stream breaks.

use super::types::ChannelLive;
use crate::format::{duration_ms, thousands};
use domain::sync::{EntityProgress, JobStatus, JobSummary};
use leptos::prelude::*;

/// What, when it changes, makes the rest of the channel page stale: a job starting or ending,
/// an entity finishing.
fn milestone(live: &ChannelLive) -> Option<(i64, JobStatus, usize)> {
    live.job.as_ref().map(|j| {
        let finished = j
            .entities
            .iter()
            .filter(|e| e.finished_at.is_some())
            .count();
        (j.id, j.status, finished)
    })
}

/// Keeps `live` current from the channel's event stream and shows it. `milestones` is bumped
/// at each milestone the stream brings, for the page to reload what depends on it (record
/// counts, history, errors), but only once `settled` says those parts have hydrated: reloaded
/// before then, they would render other rows than the server sent, and hydration would fail.
/// A milestone passed meanwhile is caught up when `settled` turns true.
#[component]
pub fn LiveProgress(
    channel_id: i64,
    live: RwSignal<ChannelLive>,
    milestones: RwSignal<u32>,
    settled: ReadSignal<bool>,
) -> impl IntoView {
    let last = StoredValue::new(live.with_untracked(milestone));
    follow(channel_id, live);
    Effect::new(move |_| {
        let now = live.with(milestone);
        if settled.get() && last.get_value() != now {
            last.set_value(now);
            milestones.update(|n| *n += 1);
        }
    });
    view! {
        <section class="card" aria-live="polite">
            <div class="card-header">
                <h2>"Sync progress"</h2>
                {move || live.with(status_badge)}
            </div>
            {move || live.with(|l| match &l.job {
                Some(job) => view! { <JobProgress job=job.clone() /> }.into_any(),
                None => view! { <p class="muted">"No sync has run yet."</p> }.into_any(),
            })}
        </section>
    }
}

fn status_badge(live: &ChannelLive) -> AnyView {
    let (text, class) = match live.job.as_ref().map(|j| j.status) {
        Some(JobStatus::Running) => ("Syncing", "badge badge-info"),
        Some(JobStatus::Queued) => ("Queued", "badge badge-muted"),
        Some(JobStatus::Succeeded) => ("Up to date", "badge badge-success"),
        Some(JobStatus::Failed) => ("Failed", "badge badge-danger"),
        Some(JobStatus::Canceled) => ("Canceled", "badge badge-muted"),
        None => ("Never synced", "badge badge-muted"),
    };
    view! { <span class=class>{text}</span> }.into_any()
}

#[component]
fn JobProgress(job: JobSummary) -> impl IntoView {
    let finished = job.status.is_finished();
    let summary = match (job.status, job.duration_ms()) {
        (JobStatus::Running, Some(ms)) => {
            format!("{} · running for {}", job.kind.label(), duration_ms(ms))
        }
        (JobStatus::Queued, _) => format!("{} · waiting to start", job.kind.label()),
        (_, Some(ms)) => format!(
            "{} · {} in {}",
            job.kind.label(),
            job.status.as_str(),
            duration_ms(ms)
        ),
        _ => job.kind.label().to_string(),
    };
    let error = job.error.clone();
    view! {
        <p class="muted">{summary}</p>
        {error.map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
        <div class="progress-list">
            {job.entities
                .iter()
                .filter(|e| e.entity != "dictionaries")
                .map(|e| view! { <EntityBar progress=e.clone() job_finished=finished /> })
                .collect_view()}
        </div>
    }
}

/// Records per second and the time left, from what an entity has done so far.
fn rate_and_eta(p: &EntityProgress) -> (Option<f64>, Option<i64>) {
    let Some(start) = p.started_at else {
        return (None, None);
    };
    let end = p.finished_at.unwrap_or_else(chrono::Utc::now);
    let secs = (end - start).num_milliseconds() as f64 / 1000.0;
    if secs <= 0.2 || p.fetched == 0 {
        return (None, None);
    }
    let rate = p.fetched as f64 / secs;
    let eta = match (p.total, p.finished_at) {
        (Some(total), None) if total > p.fetched => {
            Some((((total - p.fetched) as f64 / rate) * 1000.0) as i64)
        }
        _ => None,
    };
    (Some(rate), eta)
}

#[component]
fn EntityBar(progress: EntityProgress, job_finished: bool) -> impl IntoView {
    let label = progress
        .entity()
        .map(|e| e.label())
        .unwrap_or("Dictionaries")
        .to_string();
    let done = progress.finished_at.is_some() || (job_finished && progress.total.is_none());
    let pct = if done {
        100.0
    } else {
        progress.fraction() * 100.0
    };
    let total = progress.total.map(thousands).unwrap_or_else(|| "…".into());
    let (rate, eta) = rate_and_eta(&progress);
    let detail = [
        Some(format!("{} / {}", thousands(progress.fetched), total)),
        rate.map(|r| format!("{} records/s", thousands(r.round() as i64))),
        eta.map(|ms| format!("about {} left", duration_ms(ms))),
        (progress.failed > 0).then(|| format!("{} failed", thousands(progress.failed))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let counts = format!(
        "created {} · updated {} · unchanged {}",
        thousands(progress.created),
        thousands(progress.updated),
        thousands(progress.unchanged)
    );
    view! {
        <div class="progress-row" data-entity=progress.entity.clone()>
            <div class="progress-label">
                <span class="progress-name">{label.clone()}</span>
                <span class="progress-detail">{detail}</span>
            </div>
            <div class="progress-track" role="progressbar" aria-label=format!("{label} progress")
                aria-valuemin="0" aria-valuemax="100" aria-valuenow=format!("{pct:.0}")>
                <div class="progress-fill" class:progress-done=done style=format!("width: {pct:.1}%")></div>
            </div>
            <div class="progress-counts muted">{counts}</div>
        </div>
    }
}

/// Keeps `live` current: the event stream while it works, polling otherwise. Stops when the
/// component goes away.
fn follow(channel_id: i64, live: RwSignal<ChannelLive>) {
    #[cfg(feature = "hydrate")]
    {
        use futures::StreamExt;
        use futures::future::{Either, select};
        use gloo_net::eventsource::futures::EventSource;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let alive = Arc::new(AtomicBool::new(true));
        on_cleanup({
            let alive = alive.clone();
            move || alive.store(false, Ordering::Relaxed)
        });
        leptos::task::spawn_local(async move {
            let url = format!("/api/channels/{channel_id}/events");
            if let Ok(mut source) = EventSource::new(&url) {
                if let Ok(mut events) = source.subscribe("progress") {
                    while alive.load(Ordering::Relaxed) {
                        match select(events.next(), Box::pin(sleep_ms(1000))).await {
                            Either::Left((Some(Ok((_, message))), _)) => {
                                if let Some(text) = message.data().as_string()
                                    && let Ok(state) = domain::wire::from_text::<ChannelLive>(&text)
                                {
                                    live.set(state);
                                }
                            }
                            Either::Left(_) => break,
                            Either::Right(_) => {}
                        }
                    }
                }
                source.close();
            }
            // The stream ended or never opened: poll instead.
            while alive.load(Ordering::Relaxed) {
                sleep_ms(2000).await;
                if let Ok(state) = super::api::channel_live(channel_id).await {
                    live.set(state);
                }
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (channel_id, live);
    }
}

#[cfg(feature = "hydrate")]
pub(super) async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
