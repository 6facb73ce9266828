"""The web chat: the page at /webchat/ that citizens open in a browser, and the script
(widget.js) that puts it on another website. The channel and its API (channel.py), the requests
the page sends (protocol.py), the messages it shows (messages.py), the sites that may embed it
(origins.py) and the page's files (page.py, static/)."""

from channels.web.channel import WebChatInput

__all__ = ["WebChatInput"]
