/* The participants' page: join, follow the open polls live, vote.
   No framework, no external asset. Every text from people is set with
   textContent, never as HTML. */
(function () {
  "use strict";
  var T = JSON.parse(document.body.getAttribute("data-texts") || "{}");
  /* t("chars_left", {n: 12}): the page's text (sent by the server in the
     phone's language) with its {placeholders} filled */
  function t(key, params) {
    var s = T[key] || key;
    if (params) Object.keys(params).forEach(function (k) {
      s = s.split("{" + k + "}").join(String(params[k]));
    });
    return s;
  }
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function copy(v) { return v === undefined ? undefined : JSON.parse(JSON.stringify(v)); }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  var room = null;
  var me = { mine: {}, upvoted: [], group: "" };
  var cards = {};
  var es = null, failures = 0, pollTimer = null, started = false, joinedName = "";

  function api(method, path, body, busyTries) {
    var opts = { method: method, credentials: "same-origin", cache: "no-store", headers: {} };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    busyTries = busyTries || 0;
    return fetch(path, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.status === 503 && busyTries < 20) {
          /* another program holds the session file: nothing was written; wait
             as long as the server says and send the same request again */
          var wait = Math.max(1, parseInt(r.headers.get("Retry-After"), 10) || 2) * 1000;
          if (onBusy) onBusy(true);
          return new Promise(function (done) { setTimeout(done, wait); }).then(function () {
            return api(method, path, body, busyTries + 1);
          });
        }
        if (onBusy) onBusy(false);
        return { status: r.status, data: data };
      });
    });
  }
  var onBusy = function (busy) { $("busy").hidden = !busy; };

  /* ---------------------------------------------------------- notices
     A notice stays on screen until the participant dismisses it: the live
     update may remove the poll it is about a few milliseconds later. */

  function notice(text, kind) {
    var box = el("div", "notice " + (kind || ""));
    box.setAttribute("role", "alert");
    box.appendChild(el("p", null, text));
    var ok = el("button", "link", t("dismiss"));
    ok.type = "button";
    ok.addEventListener("click", function () { box.parentNode.removeChild(box); });
    box.appendChild(ok);
    $("notices").appendChild(box);
    return box;
  }

  /* ---------------------------------------------------------- join */

  function showJoin() {
    if (es) { es.close(); es = null; }
    if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
    started = false;
    $("vote").hidden = true;
    $("who").hidden = true;
    $("conn").hidden = true;
    $("join").hidden = false;
    namesFor = null;  /* the list may have changed since */
    loadNames();
  }

  /* The registered names a phone may pick (only when the facilitator allows
     it): asked for once the join code is complete; the list is empty otherwise. */
  var namesFor = null;
  function loadNames() {
    var code = $("code").value.replace(/\s+/g, "");
    if (!/^[0-9]{6}$/.test(code) || code === namesFor) return;
    namesFor = code;
    api("POST", "/api/names", { code: code }).then(function (res) {
      var names = res.status === 200 ? (res.data.names || []) : [];
      var box = $("pick-names");
      box.textContent = "";
      if (names.length) {
        var none = el("label", "choice");
        var r0 = el("input");
        r0.type = "radio"; r0.name = "participant"; r0.value = ""; r0.checked = true;
        none.appendChild(r0);
        none.appendChild(el("span", null, t("pick_none")));
        box.appendChild(none);
      }
      names.forEach(function (n) {
        var label = el("label", "choice");
        var r = el("input");
        r.type = "radio"; r.name = "participant"; r.value = n.id;
        label.appendChild(r);
        label.appendChild(el("span", null, n.name));
        box.appendChild(label);
      });
      $("pick").hidden = !names.length;
    }, function () { namesFor = null; });
  }
  $("code").addEventListener("input", loadNames);
  loadNames();

  $("join-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var err = $("join-error");
    var picked = document.querySelector("input[name=group]:checked");
    var personal = $("personal-code").value.replace(/\s+/g, "");
    var chosen = document.querySelector("input[name=participant]:checked");
    var participant = chosen ? chosen.value : "";
    err.textContent = "";
    /* with a personal code or a picked name the group is the registered one */
    if (!picked && !personal && !participant) {
      err.textContent = t("choose_group");
      var first = document.querySelector("input[name=group]");
      if (first) first.focus();
      return;
    }
    var button = $("join-button");
    button.disabled = true;
    button.textContent = t("joining");
    var body = {
      code: $("code").value.replace(/\s+/g, ""), group: picked ? picked.value : "",
      name: $("name").value
    };
    if (personal) body.personal_code = personal;
    if (participant) body.participant = participant;
    api("POST", "/api/join", body).then(function (res) {
      if (res.status === 200) {
        if (window.history && history.replaceState) history.replaceState(null, "", "/");
        joinedName = res.data.matched ? res.data.name : "";
        start();
      } else {
        err.textContent = res.status === 429 ? t("slow_down") : (res.data.error || t("error"));
      }
    }, function () { err.textContent = t("not_sent"); }).then(function () {
      button.disabled = false;
      button.textContent = t("join");
    });
  });

  $("rejoin").addEventListener("click", showJoin);

  /* ---------------------------------------------------------- live state */

  function refresh() {
    return api("GET", "/api/state").then(function (res) {
      if (res.status === 200) { apply(res.data); return true; }
      if (res.status === 401) showJoin();
      return false;
    }, function () { connection(false); return false; });
  }

  function start() {
    refresh().then(function (ok) {
      if (!ok) return;
      $("join").hidden = true;
      $("vote").hidden = false;
      if (!started) { started = true; connect(); }
    });
  }

  function connection(ok) { $("conn").hidden = ok; }

  function connect() {
    if (!window.EventSource) { startPolling(); return; }
    es = new EventSource("/api/events");
    es.addEventListener("state", function (e) {
      failures = 0;
      stopPolling();
      connection(true);
      apply(JSON.parse(e.data));
    });
    es.onerror = function () {
      /* while the stream is down, poll; the browser retries the stream itself */
      failures += 1;
      connection(false);
      startPolling();
      if (!es) return;
      if (es.readyState === 2) {
        /* closed for good (refused, or the server went away): retry later */
        es.close();
        es = null;
        setTimeout(function () {
          refresh().then(function (ok) { if (ok && started && !es) connect(); });
        }, Math.min(30000, 1000 * failures));
      }
    };
  }

  function startPolling() {
    if (!pollTimer) pollTimer = setInterval(function () {
      refresh().then(function (ok) { if (ok) connection(true); });
    }, 3000);
  }
  function stopPolling() { if (pollTimer) { clearInterval(pollTimer); pollTimer = null; } }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && started) refresh();
  });

  function apply(state) {
    room = state.room;
    me = state.me;
    var group = "";
    (room.groups || []).forEach(function (g) { if (g.key === me.group) group = g.label; });
    $("who").textContent = joinedName ? t("joined_named", {name: joinedName}) + " · " + (group || me.group)
                                      : t("joined_as", {group: group || me.group});
    $("who").hidden = !me.group;
    render();
  }

  /* ---------------------------------------------------------- polls */

  function render() {
    var list = $("polls");
    /* nothing open: the waiting message, not the results of an old poll */
    var polls = (room.polls || []).slice();
    /* the box being typed in keeps its place on screen when a card is added above */
    var anchor = typing() ? document.activeElement : null;
    var anchorTop = anchor ? anchor.getBoundingClientRect().top : 0;
    var seen = {}, fresh = null;
    polls.forEach(function (p, i) {
      seen[p.id] = true;
      var sig = JSON.stringify([p.state, p.type, p.text, p.choices, p.statements,
                                p.max_choices, p.max_length]);
      var card = cards[p.id];
      if (!card || card.sig !== sig) {
        var made = build(p, sig);
        if (card) list.replaceChild(made.node, card.node);
        card = cards[p.id] = made;
        fresh = fresh || made;
      }
      if (list.children[i] !== card.node) list.insertBefore(card.node, list.children[i] || null);
      card.update(p);
    });
    Object.keys(cards).forEach(function (id) {
      if (!seen[id]) { list.removeChild(cards[id].node); delete cards[id]; }
    });
    $("waiting").hidden = polls.length > 0;
    /* Bring a question that opens into view, unless the participant is typing:
       the box they type in stays where it is. */
    if (fresh && fresh.node.scrollIntoView && !typing()) {
      fresh.node.scrollIntoView({ block: "start" });
    } else if (anchor && document.body.contains(anchor)) {
      var moved = anchor.getBoundingClientRect().top - anchorTop;
      if (moved) {
        /* room below the last card, so the page can scroll that far */
        var root = document.documentElement;
        var short = moved - (root.scrollHeight - window.innerHeight - window.scrollY);
        if (short > 0) spacer.style.height = (spacer.offsetHeight + short) + "px";
        window.scrollBy(0, moved);
      }
    }
    if (!anchor && spacer.offsetHeight) spacer.style.height = "0";
  }
  var spacer = el("div", "spacer");
  $("vote").appendChild(spacer);

  function typing() {
    var a = document.activeElement;
    return !!a && (a.tagName === "TEXTAREA" || (a.tagName === "INPUT" && a.type === "text"));
  }

  function build(p, sig) {
    var node = el("article", "poll");
    node.setAttribute("data-poll", p.id);
    node.setAttribute("data-type", p.type);
    if (p.activity) node.appendChild(el("p", "activity", p.activity));
    node.appendChild(el("h2", null, p.text));
    var card = { sig: sig, node: node, dirty: false, draft: copy(me.mine[p.id]),
                 question: p.text };
    var body = el("div", "body");
    node.appendChild(body);
    var send = el("button", "primary", t("send"));
    send.type = "button";
    var status = el("p", "status");
    status.setAttribute("role", "status");
    var results = el("div", "results");
    card.status = function (text, kind) { status.textContent = text || ""; status.className = "status " + (kind || ""); };
    card.refreshSend = function () {
      var mine = me.mine[p.id];
      send.textContent = mine === undefined ? t("send") : t("change");
      send.disabled = !ready(p, card.draft) || same(card.draft, mine);
    };
    if (p.state !== "open") {
      node.appendChild(el("p", "status", t("closed")));
      node.appendChild(results);
      card.update = function (q) { showResults(results, q.results); };
      return card;
    }
    var kind = BUILDERS[p.type] || buildChoices;
    var redraw = kind(p, card, body);
    card.redraw = redraw;
    if (p.type !== "qa") {
      node.appendChild(send);
      send.addEventListener("click", function () { submit(p, card, send); });
    }
    node.appendChild(status);
    node.appendChild(results);
    card.update = function (q) {
      var mine = me.mine[q.id];
      if (!card.dirty && !same(card.draft, mine) && mine !== undefined) {
        card.draft = copy(mine);
        redraw();
      }
      if (q.type !== "qa") {
        card.refreshSend();
        if (mine !== undefined && same(card.draft, mine) && !status.textContent) {
          card.status(t("received"), "ok");
        }
      }
      if (card.updateExtra) card.updateExtra(q);
      showResults(results, q.results);
    };
    return card;
  }

  function ready(p, draft) {
    if (draft === undefined || draft === null) return false;
    if (p.type === "multiple") return draft.length > 0;
    if (p.type === "scale_statements") return Object.keys(draft).length > 0;
    if (p.type === "open" || p.type === "wordcloud") return String(draft).trim().length > 0;
    return true;
  }

  function optionButton(label, pressed, onTap) {
    var b = el("button", "opt", label);
    b.type = "button";
    b.setAttribute("aria-pressed", pressed ? "true" : "false");
    b.addEventListener("click", onTap);
    return b;
  }

  function buildChoices(p, card, body) {
    var multiple = p.type === "multiple";
    var hint = multiple ? el("p", "hint", t("choose_up_to", {n: p.max_choices})) : null;
    var box = el("div", p.type === "scale" ? "scale" : "options");
    if (hint) body.appendChild(hint);
    body.appendChild(box);
    function redraw() {
      box.textContent = "";
      p.choices.forEach(function (label, i) {
        var on = multiple ? (card.draft || []).indexOf(i) >= 0 : card.draft === i;
        box.appendChild(optionButton(label, on, function () {
          if (multiple) {
            var d = (card.draft || []).slice();
            var at = d.indexOf(i);
            if (at >= 0) d.splice(at, 1);
            else if (d.length < p.max_choices) d.push(i);
            d.sort(function (a, b) { return a - b; });
            card.draft = d;
          } else {
            card.draft = i;
          }
          card.dirty = true;
          card.status("");
          redraw();
          card.refreshSend();
        }));
      });
    }
    redraw();
    return redraw;
  }

  /* One statement at a time, with its number ("3 of 8"): tapping a point
     records it and moves on; the numbers above jump to any statement. A poll
     over the eight cross-points fits on a phone's screen. */
  function buildStatements(p, card, body) {
    var n = p.statements.length;
    var steps = el("div", "steps");
    var box = el("div", "statements");
    var nav = el("div", "nav");
    var back = el("button", "mv", "\u2190 " + t("previous"));
    var next = el("button", "mv", t("next") + " \u2192");
    back.type = next.type = "button";
    nav.appendChild(back);
    nav.appendChild(next);
    body.appendChild(steps);
    body.appendChild(box);
    if (n > 1) body.appendChild(nav);
    card.step = 0;
    function rated(s) { return !!card.draft && card.draft[s] !== undefined; }
    function go(s) { card.step = Math.max(0, Math.min(n - 1, s)); redraw(); }
    back.addEventListener("click", function () { go(card.step - 1); });
    next.addEventListener("click", function () { go(card.step + 1); });
    function redraw() {
      var s = card.step;
      steps.textContent = "";
      if (n > 1) {
        p.statements.forEach(function (_text, i) {
          var b = el("button", "step" + (rated(i) ? " done" : ""), i + 1);
          b.type = "button";
          b.setAttribute("aria-label", t("statement_of", {n: i + 1, total: n}));
          if (i === s) b.setAttribute("aria-current", "step");
          b.addEventListener("click", function () { go(i); });
          steps.appendChild(b);
        });
      }
      box.textContent = "";
      var row = el("div", "stmt");
      row.setAttribute("data-statement", s);
      if (n > 1) row.appendChild(el("p", "progress", t("statement_of", {n: s + 1, total: n})));
      row.appendChild(el("p", null, p.statements[s]));
      var scale = el("div", "scale");
      p.choices.forEach(function (label, i) {
        var on = card.draft && card.draft[s] === i;
        scale.appendChild(optionButton(label, on, function () {
          var d = copy(card.draft) || {};
          d[s] = i;
          card.draft = d;
          card.dirty = true;
          card.status("");
          /* on to the next statement not yet rated, if any */
          var later = -1;
          for (var k = 1; k < n && later < 0; k++) {
            if (!rated((s + k) % n)) later = (s + k) % n;
          }
          card.step = later >= 0 ? later : s;
          redraw();
          card.refreshSend();
        }));
      });
      row.appendChild(scale);
      box.appendChild(row);
      back.disabled = s === 0;
      next.disabled = s === n - 1;
    }
    redraw();
    return redraw;
  }

  function buildRanking(p, card, body) {
    body.appendChild(el("p", "hint", t("rank_hint")));
    var list = el("ol", "rank");
    body.appendChild(list);
    if (!card.draft) card.draft = p.choices.map(function (_c, i) { return i; });
    function move(pos, delta) {
      var d = card.draft.slice();
      var to = pos + delta;
      if (to < 0 || to >= d.length) return;
      var x = d[pos]; d[pos] = d[to]; d[to] = x;
      card.draft = d;
      card.dirty = true;
      card.status("");
      redraw();
      card.refreshSend();
    }
    function redraw() {
      list.textContent = "";
      card.draft.forEach(function (choice, pos) {
        var li = el("li");
        li.appendChild(el("b", null, pos + 1));
        li.appendChild(el("span", null, p.choices[choice]));
        var up = el("button", "mv", "\u2191");
        up.type = "button";
        up.setAttribute("aria-label", t("up"));
        up.disabled = pos === 0;
        up.addEventListener("click", function () { move(pos, -1); });
        var down = el("button", "mv", "\u2193");
        down.type = "button";
        down.setAttribute("aria-label", t("down"));
        down.disabled = pos === card.draft.length - 1;
        down.addEventListener("click", function () { move(pos, 1); });
        li.appendChild(up);
        li.appendChild(down);
        list.appendChild(li);
      });
    }
    redraw();
    return redraw;
  }

  function textInput(p, oneLine) {
    var input = oneLine ? el("input") : el("textarea");
    if (oneLine) input.type = "text";
    input.maxLength = p.max_length;
    input.setAttribute("aria-label", p.text);
    return input;
  }

  function buildText(p, card, body) {
    var input = textInput(p, p.type === "wordcloud");
    var count = el("p", "count");
    body.appendChild(input);
    body.appendChild(count);
    function counter() { count.textContent = t("chars_left", {n: p.max_length - input.value.length}); }
    input.addEventListener("input", function () {
      card.draft = input.value;
      card.dirty = true;
      card.status("");
      counter();
      card.refreshSend();
    });
    function redraw() { if (typeof card.draft === "string") input.value = card.draft; counter(); }
    redraw();
    return redraw;
  }

  function buildQA(p, card, body) {
    body.appendChild(el("p", "hint", t("qa_hint")));
    var input = textInput(p, false);
    var post = el("button", "primary", t("post"));
    post.type = "button";
    var list = el("ul", "items");
    body.appendChild(input);
    body.appendChild(post);
    post.addEventListener("click", function () {
      if (!input.value.trim()) return;
      post.disabled = true;
      card.status(t("sending"));
      api("POST", "/api/polls/" + encodeURIComponent(p.id) + "/qa", { text: input.value })
        .then(function (res) {
          if (res.status === 200) { input.value = ""; card.status(t("posted"), "ok"); }
          else failed(res, card);
        }, function () { card.status(t("not_sent"), "error"); })
        .then(function () { post.disabled = false; });
    });
    body.appendChild(list);
    card.updateExtra = function (q) {
      list.textContent = "";
      var items = q.items || [];
      if (!items.length) list.appendChild(el("li", "hint", t("no_items")));
      items.forEach(function (item) {
        var li = el("li", item.highlighted ? "hl" : "");
        var text = el("p");
        if (item.highlighted) text.appendChild(el("span", "badge", t("highlighted")));
        if (item.answered) text.appendChild(el("span", "badge", t("answered")));
        text.appendChild(document.createTextNode(item.text));
        var mine = me.upvoted.indexOf(item.id) >= 0;
        var up = el("button", "up", "\u25B2 " + item.upvotes);
        up.type = "button";
        up.setAttribute("aria-pressed", mine ? "true" : "false");
        up.setAttribute("aria-label", t("upvote"));
        up.addEventListener("click", function () {
          up.disabled = true;
          api("POST", "/api/qa/" + encodeURIComponent(item.id) + "/upvote", { up: !mine })
            .then(function (res) {
              if (res.status === 200) {
                if (res.data.up) me.upvoted.push(item.id);
                else me.upvoted = me.upvoted.filter(function (x) { return x !== item.id; });
                up.setAttribute("aria-pressed", res.data.up ? "true" : "false");
                up.textContent = "\u25B2 " + res.data.upvotes;
                mine = res.data.up;
              } else failed(res, card);
            }, function () { card.status(t("not_sent"), "error"); })
            .then(function () { up.disabled = false; });
        });
        li.appendChild(text);
        li.appendChild(up);
        list.appendChild(li);
      });
    };
    return function () {};
  }

  var BUILDERS = {
    single: buildChoices, multiple: buildChoices, scale: buildChoices,
    scale_statements: buildStatements, ranking: buildRanking,
    open: buildText, wordcloud: buildText, qa: buildQA
  };

  function failed(res, card) {
    if (res.status === 401) { showJoin(); return; }
    if (res.status === 429) { card.status(t("slow_down"), "error"); return; }
    if (res.status === 409) {
      /* the poll closed: its card may disappear at the next update, the notice stays */
      card.status(t("late"), "error");
      notice(t("late") + (card.question ? " (" + card.question + ")" : ""), "error");
      return;
    }
    card.status(res.data.error || t("error"), "error");
  }

  function submit(p, card, button) {
    var body = p.type === "scale_statements" ? { values: card.draft } : { value: card.draft };
    var path = "/api/polls/" + encodeURIComponent(p.id) + "/ballot";
    button.disabled = true;
    card.status(t("sending"));
    var tries = 0;
    function attempt() {
      tries += 1;
      return api("POST", path, body).then(function (res) {
        if (res.status === 200) {
          me.mine[p.id] = res.data.value;
          card.draft = copy(res.data.value);
          card.dirty = false;
          if (card.redraw) card.redraw();
          card.status(t("received"), "ok");
        } else {
          failed(res, card);
        }
        card.refreshSend();
      }, function () {
        /* no reply: the server may have it; sending the same answer again is harmless */
        if (tries < 3) return new Promise(function (r) { setTimeout(r, 700 * tries); }).then(attempt);
        card.status(t("not_sent"), "error");
        card.refreshSend();
      });
    }
    return attempt();
  }

  /* ---------------------------------------------------------- results */

  function bars(box, rows) {
    rows.forEach(function (r) {
      var bar = el("div", "bar");
      var fill = el("div", "fill");
      fill.style.width = Math.max(0, Math.min(100, r.percent)) + "%";
      bar.appendChild(fill);
      bar.appendChild(el("span", "num", r.count + " \u00B7 " + r.percent + "%"));
      bar.appendChild(el("span", null, r.label));
      box.appendChild(bar);
    });
  }

  function showResults(box, results) {
    box.textContent = "";
    if (!results) return;
    box.appendChild(el("h3", null, t("results") + " \u2014 " + t("respondents", {n: results.respondents})));
    if (results.statements) {
      results.statements.forEach(function (s) {
        box.appendChild(el("p", "hint", s.statement));
        bars(box, s.rows);
      });
    } else {
      bars(box, results.rows || []);
    }
  }

  start();
})();
