window.sidevisninger = (window.sidevisninger || 0) + 1;
