/**
 * The portal's only stylesheet, served from /assets/ (embedded so `tsc` output runs without copying files).
 * Rules: mobile-first, system fonts (no third-party requests), WCAG AA contrast, a visible focus ring on
 * every control (:focus-visible), no layout that depends on JavaScript.
 */
export const STYLES_CSS = `
*,*::before,*::after{box-sizing:border-box}
:root{--fg:#1b1f24;--muted:#4a5360;--bg:#f5f6f8;--card:#fff;--line:#c9ced6;--accent:#0b57d0;--accent-fg:#fff;
--error:#b3261e;--error-bg:#fdecea;--ok:#146c2e;--ok-bg:#e6f4ea;--focus:#ffbf47;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#b4bac3;--bg:#15181c;--card:#1f2329;--line:#4a515c;
--accent:#8ab4f8;--accent-fg:#0b1a33;--error:#f2b8b5;--error-bg:#3b1614;--ok:#a8dab5;--ok-bg:#0f2b19}}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.5;
color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid var(--focus);
outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;padding:.5rem 1rem;background:var(--card)}
.skip:focus{left:.5rem;top:.5rem;z-index:10}
.site-header{padding:1rem;border-bottom:1px solid var(--line);background:var(--card)}
.site-header .org{font-weight:600;font-size:1.05rem;margin:0}
main{max-width:32rem;margin:0 auto;padding:1.25rem 1rem 2rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.75rem;padding:1.25rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .75rem}
p{margin:.5rem 0 1rem}
.muted{color:var(--muted)}
.field{margin:0 0 1.25rem}
label,legend{display:block;font-weight:600;margin-bottom:.375rem}
.hint{display:block;color:var(--muted);font-size:.9rem;margin:-.125rem 0 .375rem}
input[type=text],input[type=password]{width:100%;font:inherit;font-size:1.125rem;padding:.625rem .75rem;
border:2px solid var(--line);border-radius:.5rem;background:var(--card);color:var(--fg)}
input.code{letter-spacing:.25em;font-variant-numeric:tabular-nums;max-width:12rem}
input[aria-invalid=true]{border-color:var(--error)}
fieldset{border:0;margin:0 0 1.25rem;padding:0}
.choice{display:flex;gap:.75rem;align-items:flex-start;padding:.75rem;border:2px solid var(--line);border-radius:.5rem;
margin-bottom:.5rem;cursor:pointer}
.choice:has(input:checked){border-color:var(--accent)}
.choice input{margin-top:.3rem;width:1.25rem;height:1.25rem;flex:none}
.choice .title{display:block;font-weight:600}
.choice .desc{display:block;color:var(--muted);font-size:.9rem}
.check{display:flex;gap:.625rem;align-items:flex-start;font-weight:400}
.check input{margin-top:.3rem;width:1.25rem;height:1.25rem;flex:none}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.7rem 1.25rem;border-radius:.5rem;
border:2px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer;text-decoration:none;
min-height:44px}
button.secondary,.button.secondary{background:transparent;color:var(--accent)}
button:disabled{opacity:.55;cursor:not-allowed}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin-top:1rem}
.inline{display:inline}
.alert{border-left:4px solid var(--error);background:var(--error-bg);padding:.75rem 1rem;border-radius:.25rem;
margin:0 0 1rem}
.alert:empty{display:none}
.alert ul{margin:.5rem 0 0;padding-left:1.25rem}
.notice{border-left:4px solid var(--ok);background:var(--ok-bg);padding:.75rem 1rem;border-radius:.25rem;margin:0 0 1rem}
.field-error{color:var(--error);font-weight:600;display:block;margin:.25rem 0}
.number{font-size:3.5rem;font-weight:700;text-align:center;letter-spacing:.05em;margin:.5rem 0 1rem;
font-variant-numeric:tabular-nums}
.status{text-align:center}
.site-footer{max-width:32rem;margin:0 auto;padding:0 1rem 2rem;font-size:.9rem}
@media (min-width:40rem){main{padding-top:3rem}.card{padding:2rem}h1{font-size:1.75rem}}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`;
