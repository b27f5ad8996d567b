"""Text handling below the domain: decoding, tokenisation, offsets."""
