import pickle


def broken(:
    return pickle.loads(b"")
