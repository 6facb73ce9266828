"""The assistant's input channels, one package each over a common core (channels/core):
REST (channels/rest), the WeChat Official Account (channels/wechat), the telephone line
(channels/voice) and the web chat (channels/web). credentials.yml names the channel classes
each package exports."""
