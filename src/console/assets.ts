/**
 * The console's two static assets: its style sheet and its one script, which refetches each
 * element marked `data-refresh="<fragment url>"` once a second (while the tab is visible) and
 * replaces the element's content with the server-rendered fragment.
 *
 * @module
 */

/** `/console/app.js`. */
export const CONSOLE_SCRIPT = `'use strict';
(() => {
  const refresh = async () => {
    if (document.hidden) return;
    for (const el of document.querySelectorAll('[data-refresh]')) {
      try {
        const res = await fetch(el.dataset.refresh, { credentials: 'same-origin', cache: 'no-store' });
        if (res.ok) el.innerHTML = await res.text();
        document.body.dataset.refreshed = String(Date.now());
      } catch {}
    }
  };
  setInterval(refresh, 1000);
})();
`;

/** `/console/style.css`. */
export const CONSOLE_CSS = `body{font-family:system-ui,sans-serif;margin:0;color:#222}
header{background:#1f2933;color:#fff;padding:8px 16px}header a{color:#fff}
main{padding:8px 16px}h1{font-size:20px}h2{font-size:16px;margin-top:20px}
table{border-collapse:collapse;margin:6px 0}td,th{border-bottom:1px solid #e4e7eb;padding:4px 10px;text-align:left;font-size:13px}
th{background:#f5f7fa}.none,.note{color:#7b8794}.total td{font-weight:bold}
svg{background:#fff;border:1px solid #e4e7eb;max-width:100%;height:auto}
`;
