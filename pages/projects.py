"""projects page — placeholder until built."""

import streamlit as st

st.title("projects")
st.info("This page is being built.")
