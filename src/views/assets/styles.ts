/**
 * The portal's only stylesheet, served from /assets/ (embedded so `tsc` output runs without copying files).
 * Rules: mobile-first, system fonts (no third-party requests), WCAG AA contrast, a visible focus ring on
 * every control (:focus-visible), no layout that depends on JavaScript.
 */
export const STYLES_CSS = `
*,*::before,*::after{box-sizing:border-box}
:root{--fg:#1b1f24;--muted:#4a5360;--bg:#f5f6f8;--card:#fff;--line:#c9ced6;--accent:#0b57d0;--accent-fg:#fff;
--accent-text:#0b57d0;--error:#b3261e;--error-bg:#fdecea;--ok:#146c2e;--ok-bg:#e6f4ea;--focus:#ffbf47;
--warn:#8a5a00;--warn-bg:#fff4ce;--danger-fg:#fff;
color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--muted:#b4bac3;--bg:#15181c;--card:#1f2329;--line:#4a515c;
--accent:#8ab4f8;--accent-fg:#0b1a33;--accent-text:#8ab4f8;--error:#f2b8b5;--error-bg:#3b1614;--ok:#a8dab5;
--ok-bg:#0f2b19;--warn:#f5c451;--warn-bg:#2e2405;--danger-fg:#2b0a08}}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.5;
color:var(--fg);background:var(--bg)}
a{color:var(--accent-text)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid var(--focus);
outline-offset:2px}
.skip{position:absolute;inset-inline-start:-999px;top:0;padding:.5rem 1rem;background:var(--card)}
.skip:focus{inset-inline-start:.5rem;top:.5rem;z-index:10}
.demo-banner{margin:0;padding:.5rem 1rem;background:#fff4ce;color:#3d2e00;border-bottom:1px solid #c9a227;text-align:center}
.site-header{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1rem;
padding:.75rem 1rem;border-bottom:1px solid var(--line);background:var(--card);border-top:4px solid var(--accent)}
.brand{display:flex;align-items:center;gap:.75rem;min-width:0}
.brand .logo{display:block;height:40px;width:auto;max-width:10rem}
.site-header .org{font-weight:600;font-size:1.05rem;margin:0}
.langs ul{display:flex;flex-wrap:wrap;gap:0 .75rem;list-style:none;margin:0;padding:0;font-size:.95rem}
.langs a,.langs span{display:inline-block;padding:.375rem .25rem;min-height:44px;line-height:2rem}
.langs [aria-current]{font-weight:600}
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
input.code{letter-spacing:.25em;font-variant-numeric:tabular-nums;max-width:14rem}
.requirements{color:var(--muted);font-size:.95rem;margin:0 0 .5rem}
.requirements p{margin:0 0 .25rem}
.requirements ul{margin:0;padding-inline-start:1.25rem}
.causes{margin:.25rem 0 .5rem}
.rules{list-style:none;padding-left:0!important}
.rules li{position:relative;padding-left:1.5rem}
.rules li::before{content:"\\2022";position:absolute;left:.4rem}
.rules li.met{color:var(--ok)}
.rules li.met::before{content:"\\2713";left:.2rem;font-weight:700}
.rules li.unmet{color:var(--error)}
.rules li.unmet::before{content:"\\2717";left:.2rem;font-weight:700}
ul.field-error{padding-left:1.25rem}
.pw-row{display:flex;gap:.5rem;align-items:center}
.pw-row input{flex:1;min-width:0}
.pw-row .reveal{flex:none;padding:.5rem .25rem}
.causes p{margin:0 0 .25rem;font-weight:600;color:var(--error)}
.causes ul{margin:0;padding-inline-start:1.25rem}
input[aria-invalid=true]{border-color:var(--error)}
fieldset{border:0;margin:0 0 1.25rem;padding:0}
.choice{display:flex;gap:.75rem;align-items:flex-start;padding:.75rem;border:2px solid var(--line);border-radius:.5rem;
margin-bottom:.5rem;cursor:pointer;font-weight:400}
.choice:has(input:checked){border-color:var(--accent);box-shadow:inset 0 0 0 1px var(--accent)}
.choice input{margin-top:.3rem;width:1.25rem;height:1.25rem;flex:none}
.choice .title{display:block;font-weight:600}
.choice .desc{display:block;color:var(--muted);font-size:.9rem}
.check{display:flex;gap:.625rem;align-items:flex-start;font-weight:400}
.check input{margin-top:.3rem;width:1.25rem;height:1.25rem;flex:none}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.7rem 1.25rem;border-radius:.5rem;
border:2px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer;text-decoration:none;
min-height:44px}
button.secondary,.button.secondary{background:transparent;color:var(--accent-text);border-color:var(--accent-text)}
button.link{background:none;border:0;padding:.5rem 0;color:var(--accent-text);text-decoration:underline;font-weight:600}
[hidden]{display:none!important}
button:disabled{opacity:.55;cursor:not-allowed}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin-top:1rem}
.inline{display:inline}
.resend{margin-top:1.5rem;padding-top:1rem;border-top:1px solid var(--line)}
.resend p{margin:0 0 .5rem}
.alert{border-inline-start:4px solid var(--error);background:var(--error-bg);padding:.75rem 1rem;border-radius:.25rem;
margin:0 0 1rem}
.alert:empty{display:none}
.busy:empty{display:none}
.busy{margin:1rem 0 0}
.busy::before{content:"";display:inline-block;width:.9em;height:.9em;margin-inline-end:.5em;vertical-align:-.1em;
border:2px solid var(--line);border-top-color:var(--accent);border-radius:50%;animation:spin 1s linear infinite}
.alert ul{margin:.5rem 0 0;padding-inline-start:1.25rem}
.notice{border-inline-start:4px solid var(--ok);background:var(--ok-bg);padding:.75rem 1rem;border-radius:.25rem;margin:0 0 1rem}
.field-error{color:var(--error);font-weight:600;display:block;margin:.25rem 0}
.number{font-size:4.5rem;line-height:1.1;font-weight:700;text-align:center;letter-spacing:.05em;margin:.5rem auto 1rem;
font-variant-numeric:tabular-nums;border:2px solid var(--line);border-radius:1rem;padding:.75rem 1.5rem;width:max-content;
min-width:9rem}
.spinner{display:inline-block;width:.9em;height:.9em;margin-inline-end:.5em;vertical-align:-.1em;border:2px solid var(--line);
border-top-color:var(--accent);border-radius:50%;animation:spin 1s linear infinite}
@keyframes spin{to{transform:rotate(360deg)}}
.status{text-align:center}
.site-footer{max-width:32rem;margin:0 auto;padding:0 1rem 2rem;font-size:.9rem}
.vh{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap;border:0}
h2{font-size:1.2rem;line-height:1.3;margin:1.75rem 0 .5rem}
h3{font-size:1.05rem;margin:0 0 .25rem}
input[type=tel],select{width:100%;font:inherit;font-size:1.125rem;padding:.625rem .75rem;border:2px solid var(--line);
border-radius:.5rem;background:var(--card);color:var(--fg)}
select{font-size:1rem;min-height:44px}
[dir=rtl] input[type=tel]{text-align:end}
.whoami{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center;margin:0 0 1rem}
.whoami p{margin:0}
.factors{list-style:none;margin:0;padding:0}
.factor{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between;padding:.75rem 0;
border-bottom:1px solid var(--line)}
.factor-info{flex:1 1 10rem;min-width:0}
.factor-actions{display:flex;flex-wrap:wrap;gap:.5rem;flex:none;margin-inline-start:auto}
.factor-actions button{white-space:nowrap}
.factor .title{display:block;font-weight:600}
.factor .desc{display:block;color:var(--muted);font-size:.9rem}
.badge{display:inline-block;font-size:.85rem;font-weight:600;padding:.125rem .5rem;border-radius:1rem;
border:1px solid var(--line);color:var(--muted);margin-top:.25rem}
.badge.ok{border-color:var(--ok);color:var(--fg)}
.add{border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem;margin:0 0 .75rem}
.add p{margin:0 0 .75rem}
.steps{padding-inline-start:1.25rem}
.steps li{margin-bottom:1rem}
.qr img{display:block;width:200px;height:200px;background:#fff;border:1px solid var(--line);border-radius:.25rem}
.secret code{font-size:1.125rem;letter-spacing:.05em;word-break:break-all;font-variant-numeric:tabular-nums}
.readiness{border:1px solid var(--line);border-inline-start:4px solid var(--ok);border-radius:.5rem;padding:.5rem 1rem;
margin:0 0 1rem;background:var(--card)}
.readiness.warn{border-inline-start-color:var(--warn)}
.readiness h2{margin:.25rem 0}
.readiness p{margin:.25rem 0 .5rem}
.warn-box{border-inline-start:4px solid var(--warn);background:var(--warn-bg);padding:.75rem 1rem;border-radius:.25rem;margin:0 0 1rem}
.warn-box ul{margin:.5rem 0 0;padding-inline-start:1.25rem}
.check-row{display:flex;gap:.625rem;align-items:flex-start}
.check-row label{font-weight:600}
.check-row input{margin-top:.3rem;width:1.25rem;height:1.25rem;flex:none}
button.danger{background:var(--error);border-color:var(--error);color:var(--danger-fg)}
.unlock{border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1.5rem}
.unlock h2{margin-top:0}
@media (min-width:40rem){main{padding-top:3rem}.card{padding:2rem}h1{font-size:1.75rem}}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
.chart{margin:1.5rem 0}.chart svg{display:block;width:100%;height:auto}
.legend{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.9rem}
.legend svg{display:inline;width:.8rem;height:.8rem;vertical-align:-.05rem;margin-right:.3rem}
.data{border-collapse:collapse;font-size:.85rem;width:100%;margin-top:.5rem}
.data th,.data td{border:1px solid var(--line);padding:.2rem .4rem;text-align:right}
.data th[scope=row],.data thead th:first-child{text-align:left}
.data caption{text-align:left;font-weight:600;margin-bottom:.25rem}
.table-wrap{overflow-x:auto}
.periods{display:flex;flex-wrap:wrap;gap:.5rem 1rem;list-style:none;padding:0}
.periods [aria-current]{font-weight:700}
`;
