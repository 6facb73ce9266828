"""The operations console: what citizens asked, what went wrong, and a review loop that turns
missed questions into training data (docs/console.md).

A small web application of its own (`python -m console --endpoints FILE --port N`), reading the
conversations from the tracker store the endpoints file names. Modules, one concern each:

- settings: the console's settings and the tracker store's database URL from an endpoints file
- auth: session cookies, CSRF tokens and who may see what (pure decisions)
- queries: SQL text for the tracker store (pure builders)
- turns: Rasa's event rows folded into turns, consultations and transfers (pure)
- figures: the overview's figures from the folded turns (pure)
- grouping: unanswered messages normalised and grouped by similarity (pure)
- transcript: one conversation's events as turns for the conversation view (pure)
- charts: SVG charts (pure functions returning markup)
- tables: CSV files of the figures and groups
- store: the database: engine, indexes, the console's own `console_reviews` table
- model_check: asks a running Rasa server whether the current model gets reviewed texts right
- pages: HTML rendering (Jinja2 templates in console/templates/)
- web: the Sanic application and its routes
- export: `python -m console.export`, the reviewed examples as NLU training and test data
- regression: checks the reviewed test set against a trained model (for `make test-nlu`)
- generate, bench: a scale data set and the timing of the console's queries on it

Dependencies point one way: the console may read `knowledge/` (topic titles); nothing else of the
project imports the console.
"""
