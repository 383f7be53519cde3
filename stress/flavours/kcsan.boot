#GUEST#kcsan=on
