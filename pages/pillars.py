"""pillars page — placeholder until built."""

import streamlit as st

st.title("pillars")
st.info("This page is being built.")
