// The web chat page: talks to the channel's API under /webhooks/web/ and shows the
// conversation. Every text from the server or the citizen is put on the page with
// textContent, never as HTML.
(function () {
  "use strict";

  var API = new URL("../webhooks/web/", window.location.href).href;
  var SESSION_KEY = "webchat.session";
  var LARGE_TEXT_KEY = "webchat.largeText";
  var REQUEST_TIMEOUT_MS = 30000;
  var TEXT = {
    you: "您说：",
    assistant: "助手说：",
    sources: "依据",
    typing: "助手正在输入",
    unreachable: "暂时连不上服务器。请检查网络，然后点“重试”。",
    unavailable: "在线咨询暂时无法使用。请稍后点“重试”，或拨打12333人社服务热线。",
    failed: "这次没能回答您。可以点“重试”再问一次。",
    expired: "这个选项已经过期了，请直接输入您的回答。",
    refused: "抱歉，这条消息没能发出去。请换个说法再试。",
    restarted: "之前的对话已经失效，已为您开始新的对话。请再问一次。",
    close: "关闭"
  };

  var log = document.getElementById("log");
  var form = document.getElementById("compose");
  var input = document.getElementById("input");
  var sendButton = document.getElementById("send");
  var noticeBox = document.getElementById("notice");
  var noticeText = document.getElementById("notice-text");
  var retryButton = document.getElementById("retry");
  var largeTextButton = document.getElementById("large-text");
  var newChatButton = document.getElementById("new-chat");

  var session = null;
  var busy = false;
  var retryAction = null;
  var typingIndicator = null;

  // Storage may be switched off (private windows, blocked third-party storage): the chat then
  // works without remembering anything.
  function stored(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function store(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, value);
      }
    } catch (error) {
      // nothing to remember it in
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  // --- Large text, high contrast (适老化) ---------------------------------------------------

  function setLargeText(on) {
    document.documentElement.classList.toggle("large-text", on);
    largeTextButton.setAttribute("aria-pressed", on ? "true" : "false");
    store(LARGE_TEXT_KEY, on ? "1" : null);
  }

  // --- Messages ------------------------------------------------------------------------------

  function kindClass(kind) {
    return "kind-" + String(kind || "message").replace(/[^a-z_]/g, "");
  }

  function optionButton(option, group) {
    var button = element("button", "option");
    button.type = "button";
    if (option.number) {
      button.appendChild(element("span", "option-number", String(option.number)));
    }
    button.appendChild(element("span", "option-title", option.title));
    button.addEventListener("click", function () {
      if (busy || button.disabled) {
        return;
      }
      var closed = closeOptions();
      button.classList.add("chosen");
      button.setAttribute("aria-pressed", "true");
      send({ choice: { title: option.title, payload: option.payload } }, option.title, closed);
      log.focus({ preventScroll: true });
    });
    group.appendChild(button);
  }

  function messageElement(message) {
    var fromCitizen = message.from === "citizen";
    var item = element("div", "message " + (fromCitizen ? "from-citizen " : "from-assistant ") +
      kindClass(message.kind));
    var bubble = element("div", "bubble");
    bubble.appendChild(element("span", "visually-hidden", fromCitizen ? TEXT.you : TEXT.assistant));
    (message.paragraphs || []).forEach(function (paragraph) {
      bubble.appendChild(element("p", paragraph.personal ? "line personal" : "line", paragraph.text));
    });
    if (message.sources && message.sources.length) {
      bubble.appendChild(element("p", "sources-title", TEXT.sources));
      var list = element("ul", "sources");
      message.sources.forEach(function (source) {
        list.appendChild(element("li", "source", source));
      });
      bubble.appendChild(list);
    }
    item.appendChild(bubble);
    if (message.options && message.options.length) {
      var group = element("div", "options");
      group.setAttribute("role", "group");
      message.options.forEach(function (option) {
        optionButton(option, group);
      });
      if (!message.latest) {
        disableOptions(group);
      }
      item.appendChild(group);
    }
    return item;
  }

  // New messages are scrolled into view from their start: a long answer is read from its first
  // line, not from the buttons under it. A history is shown from its end.
  function show(messages, fromHistory) {
    var first = null;
    messages.forEach(function (message) {
      var shown = log.appendChild(messageElement(message));
      first = first || shown;
    });
    if (!fromHistory && first && log.scrollHeight - first.offsetTop > log.clientHeight) {
      log.scrollTop = first.offsetTop - 8;
    } else {
      scrollToEnd();
    }
  }

  function disableOptions(group) {
    group.classList.add("done");
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (button) {
      button.disabled = true;
    });
  }

  // Options answer the latest question only: once the citizen answers, earlier ones close.
  // The groups closed, to open again when the answer does not come.
  function closeOptions() {
    var groups = Array.prototype.slice.call(log.querySelectorAll(".options:not(.done)"));
    groups.forEach(disableOptions);
    return groups;
  }

  function reopenOptions(groups) {
    (groups || []).forEach(function (group) {
      group.classList.remove("done");
      Array.prototype.forEach.call(group.querySelectorAll("button"), function (button) {
        button.disabled = false;
        button.classList.remove("chosen");
        button.removeAttribute("aria-pressed");
      });
    });
  }

  function showTyping() {
    typingIndicator = element("div", "message from-assistant typing");
    var bubble = element("div", "bubble");
    bubble.setAttribute("aria-label", TEXT.typing);
    bubble.setAttribute("role", "status");
    for (var dot = 0; dot < 3; dot += 1) {
      bubble.appendChild(element("span", "dot"));
    }
    typingIndicator.appendChild(bubble);
    log.appendChild(typingIndicator);
    scrollToEnd();
  }

  function hideTyping() {
    if (typingIndicator && typingIndicator.parentNode) {
      typingIndicator.parentNode.removeChild(typingIndicator);
    }
    typingIndicator = null;
  }

  // --- Notice and retry ----------------------------------------------------------------------

  function showNotice(text, retry) {
    noticeText.textContent = text;
    retryAction = retry || null;
    retryButton.hidden = !retry;
    noticeBox.hidden = false;
    if (retry) {
      retryButton.focus({ preventScroll: true });
    }
  }

  function hideNotice() {
    noticeBox.hidden = true;
    retryAction = null;
  }

  // --- Talking to the server -----------------------------------------------------------------

  // Resolves with {status, body} for every answer of the server, whatever its status; rejects
  // when there is none (no connection, a timeout, not the chat's JSON): the server is unreachable.
  function post(path, body) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); },
      REQUEST_TIMEOUT_MS) : null;
    return window.fetch(API + path, {
      method: "POST",
      // text/plain: the body is JSON all the same (see channels/web/protocol.py)
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify(body || {}),
      credentials: "omit",
      cache: "no-store",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.json().then(function (data) {
        return { status: response.status, body: data || {} };
      });
    }).finally(function () {
      if (timer) {
        window.clearTimeout(timer);
      }
    });
  }

  function setBusy(on) {
    busy = on;
    sendButton.disabled = on;
    form.setAttribute("aria-busy", on ? "true" : "false");
  }

  // Sends one request with the typing indicator shown. `onAnswer(answer, again)` gets a function
  // that sends the same request again (the retry), after `hooks.beforeRetry`; when the server
  // cannot be reached, `hooks.unreachable` runs and the notice offers that retry.
  function request(path, body, onAnswer, hooks) {
    hooks = hooks || {};
    function again() {
      if (hooks.beforeRetry) {
        hooks.beforeRetry();
      }
      attempt();
    }
    function attempt() {
      hideNotice();
      setBusy(true);
      showTyping();
      post(path, body).then(function (answer) {
        hideTyping();
        setBusy(false);
        onAnswer(answer, again);
      }, function () {
        hideTyping();
        setBusy(false);
        if (hooks.unreachable) {
          hooks.unreachable();
        }
        showNotice(TEXT.unreachable, again);
      });
    }
    attempt();
  }

  function forgetSession() {
    session = null;
    store(SESSION_KEY, null);
  }

  // One turn: typed text or a pressed button. What the citizen said is shown at once; when the
  // server refuses it, it is taken back; when the turn fails, the buttons it closed open again
  // (until the retry).
  function send(fields, shownText, closed) {
    var said = messageElement({
      from: "citizen", kind: "message", paragraphs: [{ text: shownText }]
    });
    log.appendChild(said);
    scrollToEnd();
    var body = { session: session };
    Object.keys(fields).forEach(function (key) {
      body[key] = fields[key];
    });
    request("webhook", body, function (answer, again) {
      var data = answer.body;
      if (data.messages && data.messages.length) {
        show(data.messages);
      }
      if (answer.status === 404) {
        // The conversation is gone (the server forgot it): a new one starts.
        forgetSession();
        startSession(TEXT.restarted);
      } else if (answer.status === 409) {
        said.remove();
        showNotice(TEXT.expired);
        input.focus({ preventScroll: true });
      } else if (answer.status >= 400 && answer.status < 500) {
        said.remove();
        reopenOptions(closed);
        showNotice(TEXT.refused);
      } else if (answer.status >= 500 || data.failed) {
        reopenOptions(closed);
        showNotice(answer.status >= 500 ? TEXT.unavailable : TEXT.failed, again);
      }
    }, {
      unreachable: function () { reopenOptions(closed); },
      beforeRetry: closeOptions
    });
  }

  // A new conversation, greeted with the menu; then `notice` is shown, or `pending` (what the
  // citizen typed before there was a conversation) is sent. The retry sends `pending` too.
  function startSession(notice, pending) {
    request("session", {}, function (answer, again) {
      var data = answer.body;
      if (answer.status === 200 && data.session) {
        session = data.session;
        store(SESSION_KEY, session);
      }
      if (data.messages && data.messages.length) {
        show(data.messages);
      }
      if (!session) {
        showNotice(TEXT.unavailable, again);
      } else if (data.failed) {
        showNotice(TEXT.failed, pending ? null : again);
      } else if (notice) {
        showNotice(notice);
      }
      if (session && pending) {
        send({ message: pending }, pending, closeOptions());
      }
    });
  }

  function resumeSession(saved) {
    request("history", { session: saved }, function (answer, again) {
      var data = answer.body;
      if (answer.status === 200 && data.messages && data.messages.length) {
        session = saved;
        show(data.messages, true);
      } else if (answer.status < 500) {
        // Gone, or never started: a new conversation.
        store(SESSION_KEY, null);
        startSession();
      } else {
        showNotice(TEXT.unavailable, again);
      }
    });
  }

  // --- Wiring --------------------------------------------------------------------------------

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) {
      return;
    }
    input.value = "";
    if (!session) {
      startSession(null, text);
      return;
    }
    send({ message: text }, text, closeOptions());
  });

  retryButton.addEventListener("click", function () {
    if (retryAction) {
      retryAction();
    }
  });

  largeTextButton.addEventListener("click", function () {
    setLargeText(largeTextButton.getAttribute("aria-pressed") !== "true");
  });

  newChatButton.addEventListener("click", function () {
    if (busy) {
      return;
    }
    forgetSession();
    log.textContent = "";
    hideNotice();
    startSession();
    input.focus({ preventScroll: true });
  });

  // Inside another site's page (widget.js): a button that closes the chat there.
  if (new URLSearchParams(window.location.search).get("embedded") === "1") {
    document.documentElement.classList.add("embedded");
    var close = element("button", "tool", TEXT.close);
    close.type = "button";
    close.id = "close";
    var closeChat = function () {
      window.parent.postMessage({ webchat: "close" }, "*");
    };
    close.addEventListener("click", closeChat);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        closeChat();
      }
    });
    document.querySelector(".chat-tools").appendChild(close);
  }

  log.tabIndex = -1;
  setLargeText(stored(LARGE_TEXT_KEY) === "1");
  var saved = stored(SESSION_KEY);
  if (saved) {
    resumeSession(saved);
  } else {
    startSession();
  }
})();
