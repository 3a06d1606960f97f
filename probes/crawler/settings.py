"""Scrapy settings for one crawl job: polite, bounded, and with every answer kept as data."""

from __future__ import annotations

from typing import Any

from nettsjekk.probes.crawler.job import CrawlJob

PACKAGE = "nettsjekk.probes.crawler"
PAGE_BYTES = 5 * 1024 * 1024
CHECK_BYTES = 64 * 1024


def scrapy_settings(job: CrawlJob) -> dict[str, Any]:
    """The settings dict for ``CrawlerProcess``; see README "Broken links" for what each part does."""
    settings: dict[str, Any] = {
        "BOT_NAME": "nettsjekk-linkcheck",
        "USER_AGENT": job.user_agent,
        "ROBOTSTXT_OBEY": job.obey_robots,
        "CONCURRENT_REQUESTS": job.total_concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": job.per_host_concurrency,
        "DOWNLOAD_DELAY": 0,
        "DOWNLOAD_TIMEOUT": job.timeout_s,
        "DOWNLOAD_MAXSIZE": 4 * PAGE_BYTES,
        "DOWNLOAD_WARNSIZE": 0,
        "CLOSESPIDER_TIMEOUT": job.budget_s,
        "HTTPERROR_ALLOW_ALL": True,
        "DOWNLOAD_VERIFY_CERTIFICATES": job.verify_tls,
        "RETRY_ENABLED": False,
        "REDIRECT_ENABLED": False,
        "METAREFRESH_ENABLED": False,
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "TELNETCONSOLE_ENABLED": False,
        "WARN_ON_GENERATOR_RETURN_VALUE": False,  # reads the callbacks' source per crawler: time, nothing found
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": job.log_level,
        "LOGSTATS_INTERVAL": 0,
        "DOWNLOADER_MIDDLEWARES": _middlewares(),
        "NETTSJEKK_PROXY": job.proxy or "",
        "NETTSJEKK_RETRIES": job.retries,
        "NETTSJEKK_TIMEOUT_RETRIES": job.timeout_retries,
        "NETTSJEKK_BACKOFF_S": job.backoff_s,
        "NETTSJEKK_MAX_RETRY_AFTER_S": job.max_retry_after_s,
    }
    return settings | _throttle(job) | _resolver(job)


def _middlewares() -> dict[str, int | None]:
    return {
        f"{PACKAGE}.backoff.BackoffMiddleware": 550,
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        f"{PACKAGE}.proxy.ProxyGuardMiddleware": 740,
        f"{PACKAGE}.proxy.TunnelAnswerMiddleware": 760,
    }


def _throttle(job: CrawlJob) -> dict[str, Any]:
    """AutoThrottle aims at ``per_host_concurrency`` requests in flight per host."""
    return {
        "AUTOTHROTTLE_ENABLED": job.autothrottle,
        "AUTOTHROTTLE_START_DELAY": job.throttle_start_delay_s,
        "AUTOTHROTTLE_MAX_DELAY": 10.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(job.per_host_concurrency),
    }


def _resolver(job: CrawlJob) -> dict[str, Any]:
    """With a proxy, DNS lookups other than the proxy's own name are refused (no leaks)."""
    return {"TWISTED_DNS_RESOLVER": f"{PACKAGE}.proxy.ProxyOnlyResolver"} if job.proxy else {}
