// The web chat on another website: <script src="https://<assistant>/webchat/widget.js"></script>
// adds a floating button that opens the chat (/webchat/ in a frame). The button appears only
// when the assistant lets this site embed the chat (WEBCHAT_ALLOWED_ORIGINS); otherwise the
// browser console says why. Styles are set on the elements themselves, inside a shadow root, so
// that the site's own CSS and Content-Security-Policy leave the button alone.
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src || window.__webchatWidget) {
    return;
  }
  window.__webchatWidget = true;

  var base = script.src.replace(/webchat\/widget\.js(?:[?#].*)?$/, "");
  var chatOrigin = new URL(base).origin;
  var label = script.getAttribute("data-label") || "在线咨询";
  var NARROW = "(max-width: 520px)";

  function styled(tag, styles) {
    var node = document.createElement(tag);
    node.style.all = "initial";
    Object.keys(styles).forEach(function (name) {
      node.style.setProperty(name, styles[name]);
    });
    return node;
  }

  function build() {
    var host = document.createElement("div");
    host.setAttribute("data-webchat", "");
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

    var launcher = styled("button", {
      position: "fixed",
      right: "16px",
      bottom: "16px",
      "z-index": "2147483000",
      "min-height": "56px",
      padding: "0 22px",
      "border-radius": "28px",
      border: "2px solid #ffffff",
      background: "#1458b0",
      color: "#ffffff",
      "font-family": "system-ui, \"PingFang SC\", \"Microsoft YaHei\", \"Noto Sans CJK SC\", sans-serif",
      "font-size": "18px",
      "font-weight": "700",
      "box-shadow": "0 4px 14px rgba(0, 0, 0, 0.3)",
      cursor: "pointer"
    });
    launcher.type = "button";
    launcher.textContent = label;
    launcher.setAttribute("aria-expanded", "false");

    var panel = styled("div", {
      position: "fixed",
      "z-index": "2147483001",
      display: "none",
      background: "#ffffff",
      "box-shadow": "0 8px 28px rgba(0, 0, 0, 0.35)",
      overflow: "hidden"
    });
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", label);
    var frame = styled("iframe", {
      display: "block",
      width: "100%",
      height: "100%",
      border: "0"
    });
    frame.title = label;

    function place() {
      var narrow = window.matchMedia && window.matchMedia(NARROW).matches;
      var box = narrow
        ? { top: "0", right: "0", bottom: "0", left: "0", width: "auto", height: "auto",
            "border-radius": "0" }
        : { top: "auto", left: "auto", right: "16px", bottom: "88px", width: "400px",
            height: "min(680px, calc(100vh - 110px))", "border-radius": "14px" };
      Object.keys(box).forEach(function (name) {
        panel.style.setProperty(name, box[name]);
      });
    }

    function open() {
      if (!frame.src) {
        frame.src = base + "webchat/?embedded=1";
        panel.appendChild(frame);
      }
      place();
      panel.style.setProperty("display", "block");
      launcher.setAttribute("aria-expanded", "true");
      launcher.textContent = "关闭" + label;
      frame.focus();
    }

    function close() {
      panel.style.setProperty("display", "none");
      launcher.setAttribute("aria-expanded", "false");
      launcher.textContent = label;
      launcher.focus();
    }

    launcher.addEventListener("click", function () {
      if (panel.style.getPropertyValue("display") === "none") {
        open();
      } else {
        close();
      }
    });
    window.addEventListener("message", function (event) {
      if (event.source === frame.contentWindow && event.origin === chatOrigin &&
          event.data && event.data.webchat === "close") {
        close();
      }
    });
    window.addEventListener("resize", place);

    root.appendChild(panel);
    root.appendChild(launcher);
    document.body.appendChild(host);
  }

  // Asks the assistant whether this site may embed the chat before showing anything.
  window.fetch(base + "webhooks/web/", { mode: "cors", credentials: "omit", cache: "no-store" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      if (document.body) {
        build();
      } else {
        document.addEventListener("DOMContentLoaded", build);
      }
    })
    .catch(function () {
      window.console.warn("The web chat is not shown: " + chatOrigin + " cannot be reached " +
        "or does not let " + window.location.origin + " embed it (WEBCHAT_ALLOWED_ORIGINS).");
    });
})();
