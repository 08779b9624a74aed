// TEMPORARY probe (to be deleted): looks for SSR responses that never finish.
#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::time::Duration;

fn one(thread: usize) -> usize {
    let mut hangs = 0;
    for i in 0..std::env::var("PROBE_APPS").ok().and_then(|v| v.parse().ok()).unwrap_or(40) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        hangs += rt.block_on(async move {
            let app = helpers::spawn_app().await;
            app.create_project("Aurora beta", "aurora").await;
            app.login_as_admin().await;
            let mut hangs = 0;
            for path in ["/projects", "/p/aurora/users"] {
                let sent = tokio::time::timeout(Duration::from_secs(8), async {
                    let r = app.get_page(path).await;
                    let status = r.status();
                    (status, r.text().await.map(|b| b.len()))
                })
                .await;
                match sent {
                    Err(_) | Ok((_, Err(_))) => {
                        hangs += 1;
                        eprintln!("thread {thread} app {i} {path}: HUNG {sent:?}");
                    }
                    Ok(_) => {}
                }
            }
            hangs
        });
        if std::env::var("PROBE_LEAK").is_ok() {
            std::mem::forget(rt);
        }
    }
    hangs
}

async fn one_app(thread: usize, i: usize) -> usize {
    let app = helpers::spawn_app().await;
    app.create_project("Aurora beta", "aurora").await;
    app.login_as_admin().await;
    let mut hangs = 0;
    for path in ["/projects", "/p/aurora/users"] {
        let sent = tokio::time::timeout(Duration::from_secs(8), async {
            let r = app.get_page(path).await;
            let status = r.status();
            (status, r.text().await.map(|b| b.len()))
        })
        .await;
        match sent {
            Err(_) | Ok((_, Err(_))) => {
                hangs += 1;
                eprintln!("task {thread} app {i} {path}: HUNG {sent:?}");
            }
            Ok(_) => {}
        }
    }
    hangs
}

#[test]
fn probe_shared_runtime() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
    let hangs: usize = rt.block_on(async {
        let tasks: Vec<_> = (0..4)
            .map(|t| tokio::spawn(async move {
                let mut hangs = 0;
                for i in 0..40 { hangs += one_app(t, i).await; }
                hangs
            }))
            .collect();
        let mut total = 0;
        for t in tasks { total += t.await.unwrap(); }
        total
    });
    eprintln!("total hangs: {hangs}");
    assert_eq!(hangs, 0);
}

#[test]
fn probe_one_app_fresh_logins() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
    let hangs: usize = rt.block_on(async {
        let app = std::sync::Arc::new(helpers::spawn_app().await);
        app.create_project("Aurora beta", "aurora").await;
        let tasks: Vec<_> = (0..4)
            .map(|t| {
                let app = app.clone();
                tokio::spawn(async move {
                    let mut hangs = 0;
                    for i in 0..80 {
                        let client = helpers::new_client();
                        let r = app.login_with(&client, helpers::ADMIN_EMAIL, helpers::ADMIN_PASSWORD).await;
                        assert_eq!(helpers::location(&r), "/projects");
                        for path in ["/projects", "/p/aurora/users"] {
                            let sent = tokio::time::timeout(Duration::from_secs(8), async {
                                let r = client.get(app.url(path)).send().await.unwrap();
                                let status = r.status();
                                (status, r.text().await.map(|b| b.len()))
                            })
                            .await;
                            if matches!(sent, Err(_) | Ok((_, Err(_)))) {
                                hangs += 1;
                                eprintln!("task {t} iteration {i} {path}: HUNG {sent:?}");
                            }
                        }
                    }
                    hangs
                })
            })
            .collect();
        let mut total = 0;
        for t in tasks { total += t.await.unwrap(); }
        total
    });
    eprintln!("total hangs: {hangs}");
    assert_eq!(hangs, 0);
}

#[test]
fn probe_four_warm_apps() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
    let hangs: usize = rt.block_on(async {
        let mut apps = Vec::new();
        for _ in 0..4 {
            let app = helpers::spawn_app().await;
            app.create_project("Aurora beta", "aurora").await;
            apps.push(std::sync::Arc::new(app));
        }
        let tasks: Vec<_> = (0..4)
            .map(|t| {
                let app = apps[t].clone();
                tokio::spawn(async move {
                    let mut hangs = 0;
                    for i in 0..60 {
                        let client = helpers::new_client();
                        let r = app.login_with(&client, helpers::ADMIN_EMAIL, helpers::ADMIN_PASSWORD).await;
                        assert_eq!(helpers::location(&r), "/projects");
                        for path in ["/projects", "/p/aurora/users"] {
                            let sent = tokio::time::timeout(Duration::from_secs(8), async {
                                let r = client.get(app.url(path)).send().await.unwrap();
                                let status = r.status();
                                (status, r.text().await.map(|b| b.len()))
                            })
                            .await;
                            if matches!(sent, Err(_) | Ok((_, Err(_)))) {
                                hangs += 1;
                                eprintln!("task {t} iteration {i} {path}: HUNG {sent:?}");
                            }
                        }
                    }
                    hangs
                })
            })
            .collect();
        let mut total = 0;
        for t in tasks { total += t.await.unwrap(); }
        total
    });
    eprintln!("total hangs: {hangs}");
    assert_eq!(hangs, 0);
}

#[test]
fn probe_warm_app_while_building() {
    let only_routes = std::env::var("PROBE_ONLY_ROUTES").is_ok();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
    let hangs: usize = rt.block_on(async move {
        let app = std::sync::Arc::new(helpers::spawn_app().await);
        app.create_project("Aurora beta", "aurora").await;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let builder = {
            let stop = stop.clone();
            let url = app.database_url.clone();
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if only_routes {
                        let _ = leptos_axum::generate_route_list(inlet::ui::App);
                        tokio::task::yield_now().await;
                    } else {
                        let _ = inlet::server::startup::Application::build(&inlet::server::config::Settings::for_database(&url)).await.unwrap();
                    }
                    n += 1;
                }
                n
            })
        };
        let tasks: Vec<_> = (0..3)
            .map(|t| {
                let app = app.clone();
                tokio::spawn(async move {
                    let mut hangs = 0;
                    for i in 0..60 {
                        let client = helpers::new_client();
                        let r = app.login_with(&client, helpers::ADMIN_EMAIL, helpers::ADMIN_PASSWORD).await;
                        assert_eq!(helpers::location(&r), "/projects");
                        for path in ["/projects", "/p/aurora/users"] {
                            let sent = tokio::time::timeout(Duration::from_secs(8), async {
                                let r = client.get(app.url(path)).send().await.unwrap();
                                let status = r.status();
                                (status, r.text().await.map(|b| b.len()))
                            })
                            .await;
                            if matches!(sent, Err(_) | Ok((_, Err(_)))) {
                                hangs += 1;
                                eprintln!("task {t} iteration {i} {path}: HUNG {sent:?}");
                            }
                        }
                    }
                    hangs
                })
            })
            .collect();
        let mut total = 0;
        for t in tasks { total += t.await.unwrap(); }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        eprintln!("builds: {}", builder.await.unwrap());
        total
    });
    eprintln!("total hangs: {hangs}");
    assert_eq!(hangs, 0);
}

#[test]
fn probe() {
    let n: usize = std::env::var("PROBE_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
    let threads: Vec<_> = (0..n).map(|t| std::thread::spawn(move || one(t))).collect();
    let hangs: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    eprintln!("total hangs: {hangs}");
    assert_eq!(hangs, 0);
}
