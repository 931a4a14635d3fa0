"""exchanges page — placeholder until built."""

import streamlit as st

st.title("exchanges")
st.info("This page is being built.")
