def shout(text):
    if not text:
        return ""
    return text.upper() + "!"
