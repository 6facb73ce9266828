"""The WeChat Official Account channel: the webhook (channel.py), WeChat's XML messages
(messages.py), replies rendered as WeChat text (reply.py), one answer per message however often
WeChat retries it and whichever replica each retry reaches (turns.py), what the replicas share
(state.py in this process, redis_state.py in Redis), the customer-service APIs (api.py), late
answers kept until sent (outbox.py), the hand-over to a person (handoff.py), the custom menu
(menu.py, data/wechat_menu.yml) and the settings (settings.py)."""

from channels.wechat.channel import WeChatInput

__all__ = ["WeChatInput"]
