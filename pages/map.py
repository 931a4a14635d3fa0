"""map page — placeholder until built."""

import streamlit as st

st.title("map")
st.info("This page is being built.")
