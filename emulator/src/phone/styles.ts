// The phone page's stylesheet, kept as a string so that `tsc` carries it into dist/ (it copies no .css).
//
// Rules: no external fonts or images; WCAG AA contrast in light and dark schemes; a visible focus ring on
// everything focusable; touch targets of at least 44 px; usable from 320 px wide; motion only when the
// user has not asked for reduced motion.

export const PHONE_CSS = `
:root {
  --page: #dfe4ec; --bg: #f4f6f9; --card: #ffffff; --text: #16202c; --muted: #4a5563; --border: #cfd6df;
  --accent: #1458c9; --accent-text: #ffffff; --danger: #a1221a; --danger-text: #ffffff;
  --bar: #101820; --bar-text: #f2f5f8; --focus: #0a3a8c; --ok: #1a6e36; --warn-bg: #fff3d1; --warn: #6b4200;
  --badge: #e6ecf5; --badge-text: #1d3357;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --page: #05080c; --bg: #0f141a; --card: #1a212b; --text: #e9eef4; --muted: #aab4c0; --border: #2f3a47;
    --accent: #7fb0ff; --accent-text: #0a1424; --danger: #ff9a8f; --danger-text: #2a0703;
    --bar: #000000; --bar-text: #e9eef4; --focus: #ffd25e; --ok: #7ddc9b; --warn-bg: #3b2e08; --warn: #ffdf8a;
    --badge: #263244; --badge-text: #d6e4ff;
  }
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--page); color: var(--text);
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
h2:focus, main:focus { outline: none; }
h2:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.vh {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.skip { position: absolute; left: 8px; top: -60px; z-index: 10; padding: 8px 12px; background: var(--card); border-radius: 8px; }
.skip:focus { top: 8px; }
.phone { max-width: 430px; min-height: 100vh; margin: 0 auto; background: var(--bg); }
@media (min-width: 520px) {
  .phone {
    min-height: 0; margin: 24px auto; border: 10px solid var(--bar); border-radius: 36px; overflow: hidden;
    box-shadow: 0 12px 40px rgba(0, 0, 0, 0.25);
  }
}
.statusbar {
  position: sticky; top: 0; z-index: 5; display: flex; align-items: center; gap: 12px;
  padding: 8px 16px; background: var(--bar); color: var(--bar-text); font-size: 14px;
}
.statusbar .carrier { font-weight: 600; }
.statusbar .clock { margin-left: auto; font-variant-numeric: tabular-nums; }
.statusbar .live::before { content: ""; display: inline-block; width: 8px; height: 8px; margin-right: 6px; border-radius: 50%; background: #8a96a3; }
.statusbar .live.on::before { background: #3ddc84; }
.statusbar .live.off::before { background: #ff6b5e; }
/* Four tabs sized to their labels that fit a 390 px phone (no sideways scrolling, nothing clipped); a narrower
   screen wraps them onto a second row rather than cutting one off. */
.tabs { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 2px; padding: 8px; border-bottom: 1px solid var(--border); background: var(--card); }
.tabs a {
  display: inline-flex; flex: 0 1 auto; align-items: center; justify-content: center; gap: 4px; min-height: 44px; padding: 0 6px; border-radius: 22px;
  color: var(--text); text-decoration: none; font-size: 14px; white-space: nowrap;
}
.tabs .count { min-width: 20px; padding: 0 5px; font-size: 12px; }
.tabs a:hover { background: var(--badge); }
main { padding: 12px 16px 32px; }
h1 { margin: 8px 0 4px; font-size: 22px; }
.intro { margin: 0 0 12px; color: var(--muted); font-size: 14px; }
.refresh { font-weight: 600; }
.status {
  margin: 0 0 12px; padding: 10px 12px; border-radius: 10px; border: 1px solid var(--border);
  background: var(--card); font-weight: 600;
}
.section { margin-top: 20px; }
h2 { display: flex; align-items: center; gap: 8px; margin: 0 0 8px; font-size: 17px; }
.count {
  display: inline-block; min-width: 24px; padding: 0 7px; border-radius: 12px; background: var(--badge);
  color: var(--badge-text); font-size: 13px; font-weight: 700; text-align: center;
}
.empty { margin: 0; padding: 14px; border: 1px dashed var(--border); border-radius: 14px; color: var(--muted); font-size: 14px; }
.section-error { margin: 0 0 8px; padding: 10px 12px; border-radius: 10px; background: var(--warn-bg); color: var(--warn); font-size: 14px; }
.cards { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
.card {
  padding: 12px 14px; border-radius: 16px; background: var(--card); border: 1px solid var(--border);
  box-shadow: 0 1px 2px rgba(0, 0, 0, 0.06);
}
.card.fresh { animation: fresh 1.6s ease-out; }
@keyframes fresh { from { box-shadow: 0 0 0 3px var(--accent); } to { box-shadow: 0 1px 2px rgba(0, 0, 0, 0.06); } }
@media (prefers-reduced-motion: reduce) { .card.fresh { animation: none; } }
.card-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; font-size: 14px; }
.card-head .who { color: var(--muted); overflow-wrap: anywhere; }
.card-head .time, .card-head .countdown, .card-head .state { margin-left: auto; color: var(--muted); font-variant-numeric: tabular-nums; }
.card-head .state { color: var(--warn); }
.badge {
  padding: 1px 8px; border-radius: 6px; background: var(--badge); color: var(--badge-text);
  font-size: 12px; font-weight: 700; letter-spacing: 0.02em; text-transform: uppercase;
}
.code {
  margin: 6px 0 2px; font: 700 32px/1.15 ui-monospace, "SF Mono", Menlo, Consolas, monospace;
  letter-spacing: 0.14em; font-variant-numeric: tabular-nums; user-select: all; -webkit-user-select: all;
  overflow-wrap: anywhere;
}
.text { margin: 4px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 15px; }
.meta { margin: 2px 0 0; color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
.meta:empty { display: none; }
.section h3 { margin: 12px 0 4px; font-size: 15px; }
.subject { margin: 6px 0 0; font-weight: 600; overflow-wrap: anywhere; }
.links { margin: 6px 0 0; padding-left: 18px; }
.links a { overflow-wrap: anywhere; display: inline-block; min-height: 24px; }
.question { margin: 8px 0 10px; font-size: 17px; font-weight: 600; }
.push form { display: inline; }
.push form.numbers { display: block; margin-bottom: 10px; }
fieldset { margin: 0; padding: 0; border: 0; display: flex; flex-wrap: wrap; gap: 12px; }
legend { padding: 0; margin-bottom: 8px; font-size: 14px; color: var(--muted); }
.btn, .num {
  min-height: 44px; border: 2px solid transparent; border-radius: 12px; font: inherit; font-weight: 700; cursor: pointer;
}
.btn { padding: 8px 20px; margin: 2px 8px 2px 0; }
.btn-primary { background: var(--accent); color: var(--accent-text); }
.btn-danger { background: transparent; color: var(--danger); border-color: var(--danger); }
.btn-danger:hover { background: var(--danger); color: var(--danger-text); }
.btn-primary:hover { filter: brightness(1.1); }
.num {
  width: 64px; height: 64px; border-radius: 50%; background: var(--card); color: var(--text);
  border-color: var(--accent); font-size: 24px; font-variant-numeric: tabular-nums;
}
.num:hover { background: var(--accent); color: var(--accent-text); }
button:disabled { opacity: 0.55; cursor: progress; }
.ttl { display: flex; align-items: center; gap: 10px; font-size: 13px; color: var(--muted); }
.ttl progress { flex: 1; height: 6px; accent-color: var(--accent); }
.secs { min-width: 64px; text-align: right; font-variant-numeric: tabular-nums; }
.error-page { padding: 24px 16px; }
`;
