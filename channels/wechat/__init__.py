"""The WeChat Official Account channel: the webhook (channel.py), WeChat's XML messages
(messages.py), replies rendered as WeChat text (reply.py), one answer per message however often
WeChat retries it (answers.py), the customer-service API for late answers (api.py), the custom
menu (menu.py, data/wechat_menu.yml) and the settings (settings.py)."""

from channels.wechat.channel import WeChatInput

__all__ = ["WeChatInput"]
