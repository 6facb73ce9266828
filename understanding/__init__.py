"""Reading what citizens say: numbers, dates and durations, yes or no, options, and whether a
reply answers the question that was asked.

Pure functions over text and the knowledge layer's definitions (knowledge/); nothing here
reads the tracker, the network or any file but the data files through knowledge/.
"""
