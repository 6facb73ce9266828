"""The assistant's input channels, one package each over a common core (channels/core):
REST (channels/rest), the WeChat Official Account (channels/wechat) and the telephone line
(channels/voice). credentials.yml names the channel classes each package exports."""
