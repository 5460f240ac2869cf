console.log("hello from ${{ values.name }}");
